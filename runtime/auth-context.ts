import { AsyncLocalStorage } from 'node:async_hooks'

/** The user a custom auth handler (langgraph.json `auth.path`) authenticated, as the official server shapes it. */
export interface AuthContext {
  user: { identity: string; display_name: string; is_authenticated: boolean; permissions: string[]; [key: string]: unknown }
  scopes: string[]
}

const scope = new AsyncLocalStorage<AuthContext>()

/** The authenticated user of the request being served, if a custom auth handler ran. */
export const currentAuth = (): AuthContext | undefined => scope.getStore()

/** Runs `fn` (and everything it awaits) as `auth`'s user. */
export const withAuth = <T>(auth: AuthContext, fn: () => T): T => scope.run(auth, fn)

/**
 * Stamps the authenticated user onto a run's `configurable`, under the official server's names, so nodes
 * and tools read `config.configurable.langgraph_auth_user` (and `_user_id`, `_permissions`).
 */
export function withAuthUser(configurable: Record<string, unknown>, auth: AuthContext | undefined = currentAuth()): Record<string, unknown> {
  if (!auth) return configurable
  return { ...configurable, langgraph_auth_user: auth.user, langgraph_auth_user_id: auth.user.identity, langgraph_auth_permissions: auth.scopes }
}
