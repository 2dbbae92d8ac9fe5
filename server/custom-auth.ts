import type { Context, MiddlewareHandler } from 'hono'
import { withAuth, type AuthContext } from '../runtime/auth-context.js'
import { resolveAssistantId } from '../runtime/graph-assistants.js'
import type { Runtime } from '../runtime/runtime.js'
import { AppError } from '../store/app-error.js'
import { withTenant } from '../store/tenant-scope.js'
import { authorizeRequest, authorizer, httpExceptionResponse, isHttpException, type AuthHandlers } from './auth-authorize.js'

export type { AuthHandlers } from './auth-authorize.js'

/**
 * The handlers of the SDK's `Auth` object (`new Auth().authenticate(…).on(…)` from
 * `@langchain/langgraph-sdk/auth`), read as the official server reads them (its `~handlerCache`).
 * @throws AppError VALIDATION when `value` is not such an object.
 */
export function authHandlersOf(value: unknown, where: string): AuthHandlers {
  const cache = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['~handlerCache'] : undefined
  if (typeof cache !== 'object' || cache === null) {
    throw new AppError('VALIDATION', `${where}: expected an Auth object from @langchain/langgraph-sdk/auth (new Auth().authenticate(...)), got ${value === null ? 'null' : typeof value}`)
  }
  const h = cache as AuthHandlers
  if (typeof h.authenticate !== 'function') throw new AppError('VALIDATION', `${where}: the Auth object has no authenticate handler`)
  return h
}

/** The official server's normalisation of what `authenticate` returns: a string identity, or an object with `identity`. */
function authContextOf(r: unknown): AuthContext {
  if (typeof r === 'string') return { scopes: [], user: { identity: r, display_name: r, is_authenticated: true, permissions: [] } }
  if (typeof r === 'object' && r !== null && typeof (r as { identity?: unknown }).identity === 'string') {
    const u = r as Record<string, unknown> & { identity: string }
    const scopes = Array.isArray(u.permissions) ? u.permissions.map(String) : []
    return {
      scopes,
      user: { ...u, permissions: scopes, is_authenticated: (u.is_authenticated as boolean | undefined) ?? true, display_name: (u.display_name as string | undefined) ?? u.identity },
    }
  }
  throw new AppError('INTERNAL', 'the auth handler returned neither a string nor an object with an `identity`')
}

/**
 * Custom auth (langgraph.json `auth.path`): every request but `GET /ok`, `/info` and CORS preflights —
 * WebSocket upgrades included, they pass through the app — goes through `authenticate`. A thrown
 * `HTTPException` is answered with its status (401, 403 …) and headers; any other error is a 500, as in
 * the official server. The user's identity is the request's tenant (threads, runs, crons and store items
 * of other identities do not exist for it), and runs created in it carry the user in
 * `config.configurable.langgraph_auth_user`. Then the `on` handlers authorize the request (auth-authorize.ts).
 */
export function customAuth(handlers: AuthHandlers, rt: Runtime): MiddlewareHandler {
  const assistantId = (id: string) => resolveAssistantId(rt, id)
  return async function customAuth(c: Context, next) {
    if (c.req.method === 'OPTIONS' || c.req.path === '/info' || (c.req.method === 'GET' && c.req.path === '/ok')) return next()
    let auth: AuthContext
    try {
      auth = authContextOf(await handlers.authenticate!(c.req.raw))
    } catch (e) {
      if (isHttpException(e)) return httpExceptionResponse(e)
      throw e
    }
    c.set('auth' as never, auth as never)
    const deps = { handlers, auth, db: rt.store.db, assistantId }
    return withTenant(auth.user.identity, () => withAuth(auth, async () => {
      const refused = await authorizeRequest(c, deps, next)
      if (refused) return refused
    }, authorizer(deps)))
  }
}
