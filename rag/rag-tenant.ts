import { writeTenant } from '../store/tenant-scope.js'

/**
 * The tenant whose collections a call sees and writes: the request's (or the run's, which executes in its
 * thread's tenant), else `''` (the CLI without `--tenant`, an open server). Unlike threads, which the CLI
 * sees across tenants, a collection always belongs to one tenant: names are only unique within it.
 */
export const ragTenant = (): string => writeTenant()
