import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import { registerSecret } from '../store/secret-redaction.js'
import { withTenant } from '../store/tenant-scope.js'

/** API key → tenant. */
export type ApiKeys = ReadonlyMap<string, string>

const Pair = z.string().regex(/^[^=,\s]+=[^=,\s]+$/, 'each entry must be key=tenant')

/**
 * Parses `SWITCHYARD_API_KEYS`: `key1=tenantA,key2=tenantB` (or a JSON object `{"key1":"tenantA"}`).
 * Unset or blank means the server is open (loopback default).
 * @throws AppError VALIDATION on a malformed value, naming the entry.
 */
export function parseApiKeys(raw: string | undefined): ApiKeys | undefined {
  if (!raw?.trim()) return undefined
  const text = raw.trim()
  let pairs: [string, string][]
  if (text.startsWith('{')) {
    const r = z.record(z.string().min(8), z.string().min(1)).safeParse(JSON.parse(text))
    if (!r.success) throw new AppError('VALIDATION', `SWITCHYARD_API_KEYS: ${r.error.issues[0]?.message ?? 'invalid'} (keys need 8+ characters)`)
    pairs = Object.entries(r.data)
  } else {
    pairs = text.split(',').map((e) => e.trim()).filter(Boolean).map((e) => {
      const r = Pair.safeParse(e)
      if (!r.success) throw new AppError('VALIDATION', `SWITCHYARD_API_KEYS: "${e.replace(/=.*/, '=…')}": ${r.error.issues[0]?.message}`)
      const [k, t] = e.split('=') as [string, string]
      if (k.length < 8) throw new AppError('VALIDATION', 'SWITCHYARD_API_KEYS: keys need 8+ characters')
      return [k, t]
    })
  }
  for (const [k] of pairs) registerSecret(k)
  return new Map(pairs)
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  // compare bytes, not characters: equal lengths in characters may differ in bytes (timingSafeEqual would throw)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * A browser cannot set headers on a WebSocket, and the SDK's WebSocket transport refuses a client that has
 * them (`apiKey`, `defaultHeaders`): its way out is a `webSocketFactory`, which can only choose the URL and
 * the subprotocols. So an upgrade request may carry its key as the subprotocol `x-api-key.<base64url key>`
 * (Kubernetes does the same with bearer tokens): unlike a query parameter, it stays out of the URLs that
 * proxies and access logs record. Base64url because a subprotocol must be an HTTP token.
 */
export const WS_KEY_PROTOCOL = 'x-api-key.'

/** Whether a subprotocol offered on a WebSocket upgrade carries an API key (it must not be echoed when another can be). */
export const isKeyProtocol = (p: string): boolean => p.startsWith(WS_KEY_PROTOCOL)

/**
 * The subprotocol that presents `key` on a WebSocket upgrade.
 *
 * @example
 * new WebSocket(`${wsUrl}/threads/${id}/stream/events`, [keyProtocol(KEY)])   // in a browser
 */
export const keyProtocol = (key: string): string => WS_KEY_PROTOCOL + Buffer.from(key, 'utf8').toString('base64url')

function keyOfProtocols(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((p) => p.trim()).find(isKeyProtocol)
  const b64 = offered?.slice(WS_KEY_PROTOCOL.length)
  return b64 && /^[A-Za-z0-9_-]+$/.test(b64) ? Buffer.from(b64, 'base64url').toString('utf8') : undefined
}

/** The key a request presents: `x-api-key`, `Authorization: Bearer <key>`, or (WebSocket upgrades only) the subprotocol. */
const presented = (h: (name: string) => string | undefined) => {
  const x = h('x-api-key')
  if (x) return x
  const m = /^Bearer\s+(.+)$/i.exec(h('authorization') ?? '')
  if (m?.[1]) return m[1].trim()
  return h('upgrade')?.toLowerCase() === 'websocket' ? keyOfProtocols(h('sec-websocket-protocol')) : undefined
}

/**
 * With API keys configured, every request but `GET /ok` must present one; the request then runs
 * in its tenant's scope, so threads, runs, events and store items of other tenants do not exist for
 * it (404, never 403: another tenant's ids are not even confirmed).
 */
export function apiKeyAuth(keys: ApiKeys, db: Kysely<DB>): MiddlewareHandler {
  // defence in depth: whatever a route does next, another tenant's thread id answers 404
  const ownerOf = async (threadId: string) =>
    (await db.selectFrom('threads').select('tenant').where('thread_id', '=', threadId).executeTakeFirst())?.tenant
  return async function apiKeyAuth(c, next) {
    if (c.req.method === 'OPTIONS' || (c.req.method === 'GET' && c.req.path === '/ok')) return next()
    const key = presented((n) => c.req.header(n))
    let tenant: string | undefined
    if (key) for (const [k, t] of keys) if (same(k, key)) tenant = t
    if (tenant === undefined) {
      throw new AppError('UNAUTHORIZED', key ? 'unknown API key' : `an API key is required (x-api-key or Authorization: Bearer; on a WebSocket, the subprotocol ${WS_KEY_PROTOCOL}<base64url key>)`)
    }
    const id = /^\/(?:threads|api\/workflows)\/([^/]+)/.exec(c.req.path)?.[1]
    if (id && !['search', 'count', 'execute'].includes(id)) {
      const owner = await ownerOf(decodeURIComponent(id))
      if (owner !== undefined && owner !== tenant) throw new AppError('NOT_FOUND', `thread ${id} not found`)
    }
    await withTenant(tenant, next)
  }
}
