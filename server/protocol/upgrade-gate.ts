import { AsyncLocalStorage } from 'node:async_hooks'
import type { IncomingMessage } from 'node:http'
import type { Context, Hono } from 'hono'

/** Runs `fn` in the async context of the request that opened the WebSocket (its tenant scope, ...). */
export type RequestScope = <R>(fn: () => R) => R

// the env key under which the Node server asks the app's GET route to accept an upgrade
const UPGRADE_ENV_KEY = 'switchyard.protocolUpgrade'
type Accept = (scope: RequestScope) => void

/**
 * In the `GET /threads/{id}/stream/events` route: when the Node server is asking whether this request may
 * become a protocol WebSocket, say yes — the app's middleware (auth, tenant scope) has let it through — and
 * hand over the request's async context. False for a plain HTTP GET.
 */
export function acceptUpgrade(c: Context): boolean {
  const accept = (c.env as Record<string, unknown> | undefined)?.[UPGRADE_ENV_KEY]
  if (typeof accept !== 'function') return false
  ;(accept as Accept)(AsyncLocalStorage.snapshot())
  return true
}

/**
 * Sends an upgrade request through the app as a GET, so every middleware applies to WebSockets as to
 * HTTP. Accepted: the scope to serve the connection in; refused: the app's response (401, 404 ...).
 */
export async function askApp(app: Hono, req: IncomingMessage): Promise<{ scope: RequestScope } | { refused: Response }> {
  const headers = new Headers()
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v)
  }
  let scope: RequestScope | undefined
  const accept: Accept = (s) => { scope = s }
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`
  const res = await app.fetch(new Request(url, { method: 'GET', headers }), { [UPGRADE_ENV_KEY]: accept })
  return scope ? { scope } : { refused: res }
}
