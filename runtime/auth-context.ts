import { AsyncLocalStorage } from 'node:async_hooks'

/** The user a custom auth handler (langgraph.json `auth.path`) authenticated, as the official server shapes it. */
export interface AuthContext {
  user: { identity: string; display_name: string; is_authenticated: boolean; permissions: string[]; [key: string]: unknown }
  scopes: string[]
}

/**
 * Asks the `Auth.on` handler of `event` about `value` (which it may change) for a run started outside an
 * HTTP route (a protocol v2 command): throws the refusal as an AppError (FORBIDDEN, NOT_FOUND …).
 */
export type Authorize = (event: string, value: Record<string, unknown>, threadId?: string) => Promise<void>

const scope = new AsyncLocalStorage<{ auth: AuthContext; authorize?: Authorize }>()

/** The authenticated user of the request being served, if a custom auth handler ran. */
export const currentAuth = (): AuthContext | undefined => scope.getStore()?.auth

/** Runs `fn` (and everything it awaits, a WebSocket session included) as `auth`'s user. */
export const withAuth = <T>(auth: AuthContext, fn: () => T, authorize?: Authorize): T => scope.run({ auth, authorize }, fn)

/** Runs the `on` handler of `event` when custom auth is on (see {@link Authorize}); nothing otherwise. */
export const authorizeEvent: Authorize = async (event, value, threadId) => {
  await scope.getStore()?.authorize?.(event, value, threadId)
}

/**
 * Stamps the authenticated user onto a run's `configurable`, under the official server's names, so nodes
 * and tools read `config.configurable.langgraph_auth_user` (and `_user_id`, `_permissions`).
 */
export function withAuthUser(configurable: Record<string, unknown>, auth: AuthContext | undefined = currentAuth()): Record<string, unknown> {
  if (!auth) return configurable
  return { ...configurable, langgraph_auth_user: auth.user, langgraph_auth_user_id: auth.user.identity, langgraph_auth_permissions: auth.scopes }
}
