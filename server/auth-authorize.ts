import type { Context, Next } from 'hono'
import type { Kysely } from 'kysely'
import type { AuthContext, Authorize } from '../runtime/auth-context.js'
import { AppError, type ErrorCode } from '../store/app-error.js'
import { createAssistantRepo } from '../store/assistant-repo.js'
import { createCronRepo } from '../store/cron-repo.js'
import type { DB } from '../store/schema.js'
import { createStoreItemRepo } from '../store/store-item-repo.js'
import { createThreadRepo } from '../store/thread-repo.js'
import { authEventOf, batchRunEvents, type AuthEvent, type AuthTarget } from './auth-events.js'
import { matchesAuthFilters, narrowMetadata, storeAuthFields, type AuthFilters } from './auth-filters.js'

type Json = Record<string, unknown>
type OnHandler = (p: { event: string; resource: string; action: string; value: Json; permissions: string[]; user: AuthContext['user'] }) => unknown

/** The `~handlerCache` of the SDK's `Auth` object. */
export interface AuthHandlers {
  authenticate?: (request: Request) => unknown
  callbacks?: Record<string, OnHandler | undefined>
}

export interface AuthorizeDeps { handlers: AuthHandlers; auth: AuthContext; db: Kysely<DB>; assistantId(id: string): string }

const json = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ code, message }), { status, headers: { 'content-type': 'application/json' } })
const forbidden = (message = 'Forbidden') => json(403, 'FORBIDDEN', message)
const notFound = (what: string) => json(404, 'NOT_FOUND', `${what} not found`)

/** The SDK's `HTTPException` (or any error with a numeric status and headers), as the official server recognises it. */
export const isHttpException = (e: unknown): e is { status: number; message?: string; headers?: ConstructorParameters<typeof Headers>[0] } =>
  typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && 'headers' in e

const CODE_OF: Record<number, string> = { 400: 'VALIDATION', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' }

/** A handler's HTTPException answered with its status, headers and message, as JSON `{code, message}`. */
export function httpExceptionResponse(e: { status: number; message?: string; headers?: ConstructorParameters<typeof Headers>[0] }): Response {
  const headers = new Headers(e.headers)
  headers.set('content-type', 'application/json')
  const code = CODE_OF[e.status] ?? (e.status < 500 ? 'FORBIDDEN' : 'INTERNAL')
  return new Response(JSON.stringify({ code, message: e.message || (e.status === 401 ? 'Unauthorized' : 'Forbidden') }), { status: e.status, headers })
}

/** The official precedence: `threads:create`, then `threads`, then `*:create`, then `*`. */
function handlerFor(h: AuthHandlers, event: string): OnHandler | undefined {
  const [resource, action] = event.split(':') as [string, string]
  const key = [event, resource, `*:${action}`, '*'].find((k) => typeof h.callbacks?.[k] === 'function')
  return key ? h.callbacks![key] : undefined
}

async function metadataOf(d: AuthorizeDeps, t: AuthTarget): Promise<Json | undefined> {
  if (t.kind === 'thread') {
    const row = await createThreadRepo(d.db).find(t.id)
    return row ? JSON.parse(row.metadata) as Json : undefined
  }
  if (t.kind === 'assistant') return (await createAssistantRepo(d.db).find(d.assistantId(t.id)))?.metadata
  const row = await createCronRepo(d.db).get(t.id).catch(() => undefined)
  return row ? JSON.parse(row.metadata) as Json : undefined
}

// Hono's request keeps the body it read as a promise of its text: the routes' validators read this one
const replaceBody = (c: Context, body: unknown) => { c.req.bodyCache = { text: Promise.resolve(JSON.stringify(body)) as unknown as string } }

/** Keeps the results of a search the filters allow (its `$contains` conditions; equality was folded into the query). */
async function filterResults(c: Context, keep: (item: Json) => boolean, field?: string) {
  if (c.res.status !== 200 || !c.res.headers.get('content-type')?.includes('json')) return
  const body = await c.res.clone().json() as unknown
  let out: unknown
  if (Array.isArray(body)) out = body.filter((x) => keep(x as Json))
  else if (field && typeof body === 'object' && body !== null && Array.isArray((body as Json)[field])) out = { ...(body as Json), [field]: ((body as Json)[field] as Json[]).filter(keep) }
  else return
  const headers = new Headers(c.res.headers)
  headers.delete('content-length')
  c.res = new Response(JSON.stringify(out), { status: 200, headers })
}

async function applyStore(c: Context, d: AuthorizeDeps, ev: AuthEvent, filters: AuthFilters, next: Next): Promise<Response | undefined> {
  const v = ev.value
  const repo = createStoreItemRepo(d.db)
  const ns = Array.isArray(v.namespace) ? v.namespace as string[] : []
  if (ev.store === 'put' || ev.store === 'delete') {
    const existing = ns.length && typeof v.key === 'string' ? await repo.get(ns, v.key, { refreshTtl: false }) : null
    if (existing && !matchesAuthFilters(storeAuthFields(existing.namespace, existing.key, existing.value), filters)) return notFound('item')
    if (!existing || ev.store === 'put') {
      if (!matchesAuthFilters(storeAuthFields(ns, v.key, ev.store === 'put' ? v.value : undefined), filters)) return forbidden('Not authorized')
    }
    await next()
    return undefined
  }
  await next()
  if (ev.store === 'get') {
    if (c.res.status !== 200) return undefined
    const item = await c.res.clone().json() as Json | null
    if (item && !matchesAuthFilters(storeAuthFields(item.namespace, item.key, item.value), filters)) c.res = notFound('item')
  } else if (ev.store === 'search') {
    await filterResults(c, (i) => matchesAuthFilters(storeAuthFields(i.namespace, i.key, i.value), filters), 'items')
  } else {
    if (c.res.status !== 200) return undefined
    const body = await c.res.clone().json() as { namespaces: string[][] }
    c.res = Response.json({ namespaces: body.namespaces.filter((n) => matchesAuthFilters(storeAuthFields(n, undefined, undefined), filters)) })
  }
  return undefined
}

/** Calls an `on` handler: a refusal (403, the handler's HTTPException, 500 for a result of the wrong type), or its filters. */
async function callHandler(handler: OnHandler, ev: AuthEvent, d: AuthorizeDeps): Promise<Response | AuthFilters | undefined> {
  const [resource, action] = ev.event.split(':') as [string, string]
  let result: unknown
  try {
    result = await handler({ event: ev.event, resource, action, value: ev.value, permissions: d.auth.scopes, user: d.auth.user })
  } catch (e) {
    if (isHttpException(e)) return httpExceptionResponse(e)
    throw e
  }
  if (result === false) return forbidden()
  if (result === undefined || result === null || result === true) return undefined
  if (typeof result !== 'object' || Array.isArray(result)) {
    return json(500, 'INTERNAL', `Auth handler returned invalid result. Expected filter object, null, undefined or boolean. Got "${typeof result}" instead.`)
  }
  return result as AuthFilters
}

/** A batch of runs: the `threads:create_run` handler sees each; one refusal refuses the batch; each run gets its changed metadata. */
async function authorizeBatch(c: Context, d: AuthorizeDeps, body: unknown[], next: Next): Promise<Response | undefined> {
  const handler = handlerFor(d.handlers, 'threads:create_run')
  if (handler) {
    const out: unknown[] = []
    for (const [i, ev] of batchRunEvents(body).entries()) {
      const r = await callHandler(handler, ev, d)
      if (r instanceof Response) return r
      const item = body[i]
      out.push(typeof item === 'object' && item !== null ? { ...item, metadata: ev.value.metadata } : item)
    }
    replaceBody(c, out)
  }
  await next()
  return undefined
}

/**
 * Runs the `Auth.on` handler of a request's event (auth-events.ts) with the official server's semantics:
 * `false` is a 403, a thrown HTTPException its own status; a handler's changes to `value.metadata` (or a
 * store item) are what gets written; returned filters hide what does not match — a thread, assistant or
 * cron by id is a 404 (a create with a taken id, 409), searches return only matches, store items are
 * checked against `{...value, namespace, key}` (a put that would not match is a 403).
 * Returns the refusal, or undefined once `next` has run.
 */
export async function authorizeRequest(c: Context, d: AuthorizeDeps, next: Next): Promise<Response | undefined> {
  const hasJson = c.req.header('content-type')?.includes('json') === true
  const body = hasJson && c.req.method !== 'GET' ? await c.req.json().catch(() => undefined) as unknown : undefined
  if (c.req.method === 'POST' && c.req.path === '/runs/batch' && Array.isArray(body)) return authorizeBatch(c, d, body, next)
  const ev = authEventOf(c.req.method, c.req.path, body, new URL(c.req.url).searchParams)
  const handler = ev && handlerFor(d.handlers, ev.event)
  if (!ev || !handler) {
    await next()
    return undefined
  }
  const r = await callHandler(handler, ev, d)
  if (r instanceof Response) return r
  const filters = r
  const out = typeof body === 'object' && body !== null ? { ...(body as Json) } : undefined
  if (out && ev.writeBack) for (const k of ev.writeBack) if (ev.value[k] !== undefined) out[k] = ev.value[k]
  if (!filters) {
    if (out && ev.writeBack) replaceBody(c, out)
    await next()
    return undefined
  }
  if (ev.store) {
    if (out && ev.writeBack) replaceBody(c, out)
    return applyStore(c, d, ev, filters, next)
  }
  if (ev.target) {
    const meta = await metadataOf(d, ev.target)
    if (meta !== undefined && !matchesAuthFilters(meta, filters)) {
      return ev.creates ? json(409, 'CONFLICT', `${ev.target.kind} ${ev.target.id} already exists`) : notFound(`${ev.target.kind} ${ev.target.id}`)
    }
  }
  if (ev.search && out) {
    const narrowed = narrowMetadata(out.metadata, filters)
    if (!narrowed) return c.req.path.endsWith('/count') ? Response.json(0) : Response.json([])
    out.metadata = narrowed
  }
  if (out) replaceBody(c, out)
  await next()
  if (ev.search) await filterResults(c, (x) => matchesAuthFilters(x.metadata as Json | undefined, filters))
  return undefined
}

const ERROR_OF: Record<number, ErrorCode> = { 400: 'VALIDATION', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' }

/**
 * The `on` handlers as a function for runs started outside the HTTP routes (protocol v2 `run.start`,
 * `input.respond` …): the same handler, value write-back and thread filters as `threads:create_run` over HTTP.
 */
export function authorizer(d: AuthorizeDeps): Authorize {
  return async (event, value, threadId) => {
    const handler = handlerFor(d.handlers, event)
    if (!handler) return
    const ev: AuthEvent = { event, value, ...(threadId ? { target: { kind: 'thread' as const, id: threadId } } : {}) }
    const r = await callHandler(handler, ev, d)
    if (r instanceof Response) {
      const body = await r.json() as { message?: string }
      throw new AppError(ERROR_OF[r.status] ?? (r.status < 500 ? 'FORBIDDEN' : 'INTERNAL'), body.message ?? 'Forbidden')
    }
    if (r && ev.target) {
      const meta = await metadataOf(d, ev.target)
      if (meta !== undefined && !matchesAuthFilters(meta, r)) throw new AppError('NOT_FOUND', `thread ${ev.target.id} not found`)
    }
  }
}
