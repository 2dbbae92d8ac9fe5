import { AsyncLocalStorage } from 'node:async_hooks'

const scope = new AsyncLocalStorage<string>()

/** Rows written outside any tenant scope (CLI, an open server) belong to this tenant. */
export const DEFAULT_TENANT = ''

/**
 * The tenant of the request being served, or undefined outside a request (the CLI, workers): then
 * thread queries see every tenant. Set once per request by the server's auth middleware, so
 * repositories scope their reads and writes without every call site passing it along.
 */
export const currentTenant = (): string | undefined => scope.getStore()

/** The tenant new rows get. */
export const writeTenant = (): string => scope.getStore() ?? DEFAULT_TENANT

/** Runs `fn` (and everything it awaits) as `tenant`. */
export const withTenant = <T>(tenant: string, fn: () => T): T => scope.run(tenant, fn)
