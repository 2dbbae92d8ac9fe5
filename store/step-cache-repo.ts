import type { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { writeTenant } from './tenant-scope.js'

/** The `step_cache` table (migration 007). Declared here, beside its only user, and added to `DB` with `withTables`. */
export interface StepCacheTable {
  tenant: string
  key: string
  workflow: string
  step: string
  /** JSON of the step's outputs. */
  outputs: string
  created_at: number
  expires_at: number | null
}
// a type alias, not an interface: kysely's withTables needs an index-signature-compatible record
export type StepCacheTables = { step_cache: StepCacheTable }

/** A cache entry as read back. */
export interface StepCacheEntry {
  key: string
  workflow: string
  step: string
  outputs: Record<string, unknown>
  createdAt: number
  expiresAt: number | null
}

/**
 * Cached step outputs by content key, per tenant (the current one of `tenant-scope`), with an
 * optional expiry in epoch ms. Takes a db or a transaction, never opens one. Times come from the
 * caller so tests (and replays) control the clock.
 *
 * @example
 * const cache = createStepCacheRepo(db)
 * await cache.put({ key, workflow: 'build', step: 'compile', outputs: { ok: true }, now: Date.now(), ttlMs: 60_000 })
 * await cache.get(key, Date.now()) // { outputs: { ok: true }, … } until the minute is over
 */
export function createStepCacheRepo(db: Kysely<DB>) {
  const t = db.withTables<StepCacheTables>()
  return {
    /** The live entry for `key` at `now`, or undefined (expired entries are not returned). */
    async get(key: string, now: number): Promise<StepCacheEntry | undefined> {
      const row = await t.selectFrom('step_cache').selectAll()
        .where('tenant', '=', writeTenant()).where('key', '=', key)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst()
      if (!row) return undefined
      return { key, workflow: row.workflow, step: row.step, outputs: JSON.parse(row.outputs) as Record<string, unknown>, createdAt: row.created_at, expiresAt: row.expires_at }
    },
    /** Stores (or replaces) an entry; `ttlMs` undefined = until cleared. */
    async put(e: { key: string; workflow: string; step: string; outputs: Record<string, unknown>; now: number; ttlMs?: number }): Promise<void> {
      const values = {
        tenant: writeTenant(), key: e.key, workflow: e.workflow, step: e.step, outputs: JSON.stringify(e.outputs),
        created_at: e.now, expires_at: e.ttlMs === undefined ? null : e.now + e.ttlMs,
      }
      await t.insertInto('step_cache').values(values)
        .onConflict((oc) => oc.columns(['tenant', 'key']).doUpdateSet({ outputs: values.outputs, created_at: values.created_at, expires_at: values.expires_at }))
        .execute()
    },
    /** Deletes entries that expired before `now`; returns how many. */
    async prune(now: number): Promise<number> {
      const r = await t.deleteFrom('step_cache').where('expires_at', '<=', now).executeTakeFirst()
      return Number(r.numDeletedRows)
    },
  }
}
export type StepCacheRepo = ReturnType<typeof createStepCacheRepo>

/**
 * Empties the step cache of every tenant, or only of one workflow; returns the number of entries
 * removed (for `switchyard cache clear`).
 */
export async function clearStepCache(db: Kysely<DB>, opts: { workflow?: string } = {}): Promise<number> {
  let q = db.withTables<StepCacheTables>().deleteFrom('step_cache')
  if (opts.workflow !== undefined) q = q.where('workflow', '=', opts.workflow)
  const r = await q.executeTakeFirst()
  return Number(r.numDeletedRows)
}
