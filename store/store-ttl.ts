import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import { AppError } from './app-error.js'
import type { DB } from './schema.js'

const MS_PER_MINUTE = 60_000
/** The longest TTL accepted (about 190 years): the expiry must stay a valid date. */
export const MAX_TTL_MINUTES = 100_000_000

/** What a store item's TTL functions read the time from; tests pass a fixed clock. */
export type Clock = () => number

/**
 * The expiry (epoch ms) of an item written at `now` with `ttl` minutes; null (no TTL) never expires.
 * Throws VALIDATION for a TTL that is not a positive number of at most {@link MAX_TTL_MINUTES}.
 *
 * @example
 * expiresAt(0.5, Date.parse('2025-01-01T00:00:00Z')) // 1735689630000 (30 s later)
 */
export function expiresAt(ttl: number | null, now: number): number | null {
  if (ttl === null) return null
  if (!Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_TTL_MINUTES) {
    throw new AppError('VALIDATION', `ttl must be a positive number of minutes up to ${MAX_TTL_MINUTES}, or null`, { details: { ttl } })
  }
  return now + Math.round(ttl * MS_PER_MINUTE)
}

/** Rows of `store_items` that have not expired at `now` (a row without `expires_at` never does). */
export function notExpired(now: number): Expression<SqlBool> {
  return sql<SqlBool>`(expires_at is null or expires_at > ${now})`
}

/**
 * Moves the expiry of the given live items of `tenant` to `now` + their own TTL, as a read with
 * `refresh_ttl` does; items without a TTL are left alone.
 */
export async function refreshTtl(db: Kysely<DB>, q: { tenant: string; items: { namespace: string; key: string }[]; now: number }): Promise<void> {
  if (q.items.length === 0) return
  await db.updateTable('store_items')
    .set({ expires_at: sql<number>`${q.now} + cast(round(ttl_minutes * ${MS_PER_MINUTE}) as bigint)` })
    .where('tenant', '=', q.tenant)
    .where('ttl_minutes', 'is not', null)
    .where(notExpired(q.now))
    .where((eb) => eb.or(q.items.map((i) => eb.and([eb('namespace', '=', i.namespace), eb('key', '=', i.key)]))))
    .execute()
}

/**
 * Deletes the store items of every tenant that expired before `now`; returns how many. Reads already
 * skip them, so this only reclaims space: the server runs it every `storeSweepMs`.
 */
export async function sweepExpiredStoreItems(db: Kysely<DB>, now: number = Date.now()): Promise<number> {
  const r = await db.deleteFrom('store_items').where('expires_at', 'is not', null).where('expires_at', '<=', now).executeTakeFirst()
  return Number(r.numDeletedRows)
}
