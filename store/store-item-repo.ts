import { sql, type Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { containsIgnoringCase, dialectOf } from './dialect.js'
import { jsonContains } from './json-filter.js'
import type { DB } from './schema.js'
import type { StoreItemRow } from './server-schema.js'
import { encodeIndexFields, type IndexFields } from './store-index-text.js'
import { expiresAt, notExpired, refreshTtl, type Clock } from './store-ttl.js'
import { nearestItems, pendingItems, storePendingVectors, type PendingItem } from './store-vector-search.js'
import { embeddedShas, replaceItemVectors, type ItemVectors } from './store-vectors.js'
import { writeTenant } from './tenant-scope.js'

type Json = Record<string, unknown>

/** An item of the key-value store, as the `/store` API returns it; `score` only from a semantic search. */
export interface StoreItem { namespace: string[]; key: string; value: Json; created_at: string; updated_at: string; score?: number }

/** A search: `vector` (the query's embedding) ranks by similarity, else `query` is a substring of the value's JSON. */
export interface StoreSearch {
  filter?: Json
  query?: string
  vector?: { model: string; values: number[] }
  limit: number
  offset: number
  refreshTtl?: boolean
}

/** Labels are joined with `.`, so a label may be neither empty nor contain a period. */
export function namespaceKey(namespace: string[]): string {
  for (const label of namespace) {
    if (label === '' || label.includes('.')) {
      throw new AppError('VALIDATION', `namespace labels may not be empty or contain a period: ${JSON.stringify(namespace)}`)
    }
  }
  return namespace.join('.')
}

const split = (ns: string): string[] => (ns === '' ? [] : ns.split('.'))
type ItemColumns = Pick<StoreItemRow, 'namespace' | 'key' | 'value' | 'created_at' | 'updated_at'>
const COLUMNS = ['namespace', 'key', 'value', 'created_at', 'updated_at'] as const
const toItem = (r: ItemColumns): StoreItem => ({ ...r, namespace: split(r.namespace), value: JSON.parse(r.value) as Json })
const matches = (labels: string[], pattern: string[]) => pattern.every((p, i) => p === '*' || labels[i] === p)

/**
 * The long-term store behind `/store/*`. Takes a db, and opens a transaction for a put (the item and
 * its vectors are written together); given a transaction, it works inside it. An item put with a
 * `ttl` (minutes) is gone once it expires: no read returns it, and a put over it starts a new item.
 * Reads refresh the expiry of what they return unless told not to (`refreshTtl: false`).
 *
 * @example
 * const repo = createStoreItemRepo(db)
 * await repo.put(['users', 'ana'], 'prefs', { theme: 'dark' }, { ttl: 60 })
 * await repo.get(['users', 'ana'], 'prefs', { refreshTtl: false })
 */
export function createStoreItemRepo(db: Kysely<DB>, opts: { now?: Clock } = {}) {
  const clock = opts.now ?? (() => Date.now())
  const atomically = <T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> => (db.isTransaction ? fn(db) : db.transaction().execute(fn))
  const ref = (namespace: string[], key: string) => ({ tenant: writeTenant(), namespace: namespaceKey(namespace), key })
  // store items always belong to a tenant ('' on an open server), part of their key; expired ones do not exist
  const mine = (now: number) => db.selectFrom('store_items').where('tenant', '=', writeTenant()).where(notExpired(now))
  const refresh = (now: number, rows: ItemColumns[], wanted: boolean | undefined) =>
    wanted === false ? undefined : refreshTtl(db, { tenant: writeTenant(), items: rows, now })
  const underPrefix = (prefix: string[]) => {
    const p = namespaceKey(prefix)
    return prefix.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(namespace = ${p} or substr(namespace, 1, ${p.length + 1}) = ${`${p}.`})`
  }
  const scoped = (now: number, prefix: string[], filter: Json | undefined) =>
    mine(now).where(underPrefix(prefix)).$if(filter !== undefined, (s) => s.where(jsonContains(sql.ref('value'), filter!, dialectOf(db))))
  return {
    /**
     * Writes the item; `ttl` in minutes (null or absent: it never expires) replaces any earlier one.
     * `index` is kept for later embedding; `vectors` become the item's vectors (none when absent).
     */
    async put(namespace: string[], key: string, value: Json, o: { ttl?: number | null; index?: IndexFields; vectors?: ItemVectors } = {}): Promise<void> {
      const ms = clock()
      const now = new Date(ms).toISOString()
      const ttl = o.ttl ?? null
      const expires = expiresAt(ttl, ms)
      const json = JSON.stringify(value)
      const item = ref(namespace, key)
      const index_fields = encodeIndexFields(o.index)
      await atomically(async (trx) => {
        await trx.insertInto('store_items')
          .values({ ...item, value: json, created_at: now, updated_at: now, ttl_minutes: ttl, expires_at: expires, index_fields })
          .onConflict((oc) => oc.columns(['tenant', 'namespace', 'key']).doUpdateSet({
            value: json, updated_at: now, ttl_minutes: ttl, expires_at: expires, index_fields,
            // an expired row the sweep has not reached yet is gone: this put creates the item anew
            created_at: sql<string>`case when store_items.expires_at is not null and store_items.expires_at <= ${ms} then ${now} else store_items.created_at end`,
          })).execute()
        await replaceItemVectors(trx, item, o.vectors)
      })
    },

    /** field → sha of the texts the item already has vectors for with `model` (expired or not: a put revives the row). */
    embeddedShas: (namespace: string[], key: string, model: string): Promise<Map<string, string>> => embeddedShas(db, ref(namespace, key), model),

    /** Up to `limit` live items under `prefix` (passing `filter`) that are indexed but not embedded with `model`. */
    pending: (prefix: string[], q: { filter?: Json; model: string; limit: number }): Promise<PendingItem[]> =>
      pendingItems(scoped(clock(), prefix, q.filter), q.model, q.limit),

    /** Stores a pending item's vectors unless it changed meanwhile; returns whether they were stored. */
    storePending: (item: PendingItem, vectors: ItemVectors): Promise<boolean> => storePendingVectors(db, item, vectors),

    async get(namespace: string[], key: string, o: { refreshTtl?: boolean } = {}): Promise<StoreItem | null> {
      const now = clock()
      const r = await mine(now).select(COLUMNS).where('namespace', '=', namespaceKey(namespace)).where('key', '=', key).executeTakeFirst()
      if (r) await refresh(now, [r], o.refreshTtl)
      return r ? toItem(r) : null
    },

    async delete(namespace: string[], key: string): Promise<void> {
      await db.deleteFrom('store_items').where('tenant', '=', writeTenant()).where('namespace', '=', namespaceKey(namespace)).where('key', '=', key).execute()
    },

    /**
     * Items under `prefix` whose value contains `filter`. With `vector`, the items nearest to it by
     * cosine similarity, best first, each with its `score`; otherwise `query` is a case-insensitive
     * substring of the value's JSON and items come newest first.
     */
    async search(prefix: string[], q: StoreSearch): Promise<StoreItem[]> {
      const now = clock()
      if (q.vector) {
        const near = await nearestItems(db, scoped(now, prefix, q.filter), { model: q.vector.model, vector: q.vector.values, limit: q.limit, offset: q.offset })
        await refresh(now, near, q.refreshTtl)
        return near.map(({ distance, ...r }) => ({ ...toItem(r), score: 1 - distance }))
      }
      let s = scoped(now, prefix, q.filter).select(COLUMNS)
      if (q.query) s = s.where(containsIgnoringCase(dialectOf(db), sql.ref('value'), q.query))
      const rows = await s.orderBy('updated_at', 'desc').orderBy('namespace').orderBy('key').limit(q.limit).offset(q.offset).execute()
      await refresh(now, rows, q.refreshTtl)
      return rows.map(toItem)
    },

    /** Distinct namespaces matching `prefix` and `suffix` (`*` matches any label), cut to `maxDepth` labels. */
    async listNamespaces(q: { prefix?: string[]; suffix?: string[]; maxDepth?: number; limit: number; offset: number }): Promise<string[][]> {
      const literal = q.prefix && !q.prefix.includes('*') ? q.prefix : []
      const rows = await mine(clock()).select('namespace').distinct().where(underPrefix(literal)).execute()
      const found = new Map<string, string[]>()
      for (const { namespace } of rows) {
        const labels = split(namespace)
        if (q.prefix && (labels.length < q.prefix.length || !matches(labels, q.prefix))) continue
        if (q.suffix && (labels.length < q.suffix.length || !matches(labels.slice(-q.suffix.length), q.suffix))) continue
        const cut = q.maxDepth !== undefined ? labels.slice(0, q.maxDepth) : labels
        found.set(cut.join('.'), cut)
      }
      return [...found.keys()].sort().slice(q.offset, q.offset + q.limit).map((k) => found.get(k)!)
    },
  }
}
export type StoreItemRepo = ReturnType<typeof createStoreItemRepo>
