import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import { dialectOf } from './dialect.js'
import type { DB } from './schema.js'
import type { StoreItemRow } from './server-schema.js'
import { vectorBlob } from './store-index-text.js'
import { replaceItemVectors, type ItemRef, type ItemVectors } from './store-vectors.js'

/** The live `store_items` rows a search may see: one tenant's, under a prefix, passing a filter. */
export type ScopedItems = SelectQueryBuilder<DB, 'store_items', object>

/** A row found by {@link nearestItems}: the item's columns and its best cosine distance to the query. */
export type NearRow = Pick<StoreItemRow, 'namespace' | 'key' | 'value' | 'created_at' | 'updated_at'> & { distance: number }

/**
 * The items of `scope` nearest to `query`, nearest first, each scored by its best vector (an item
 * indexing several texts matches by the closest one, as LangGraph's stores do). Exact: sqlite-vec's
 * `vec_distance_cosine` over the scope's own vectors of `model`, so `filter`, prefix, tenant and
 * expiry cut the candidates before ranking and `offset`/`limit` page the ranked items. Items without
 * vectors of `model` (put with `index: false`, or nothing to embed) are not returned.
 * Needs the sqlite-vec extension on the connection; on Postgres (no pgvector needed) the same ranking is
 * computed in the process by {@link nearestByScan}.
 */
export async function nearestItems(
  db: Kysely<DB>,
  scope: ScopedItems,
  query: { model: string; vector: ArrayLike<number>; limit: number; offset: number },
): Promise<NearRow[]> {
  if (dialectOf(db) === 'postgres') return nearestByScan(db, scope, query)
  const blob = vectorBlob(query.vector)
  const distance = sql<number | null>`(select min(vec_distance_cosine(v.embedding, ${blob})) from store_vectors v
    where v.tenant = store_items.tenant and v.namespace = store_items.namespace and v.key = store_items.key
      and v.model = ${query.model} and v.dimensions = ${query.vector.length})`
  const inner = scope.select(['namespace', 'key', 'value', 'created_at', 'updated_at', distance.as('distance')])
  const rows = await db.selectFrom(inner.as('c')).selectAll()
    .where('c.distance', 'is not', null)
    .orderBy('c.distance').orderBy('c.namespace').orderBy('c.key')
    .limit(query.limit).offset(query.offset)
    .execute()
  return rows as NearRow[]
}

/** Cosine distance between `q` and a float32 vector blob (what sqlite-vec's `vec_distance_cosine` returns). */
export function cosineDistance(q: ArrayLike<number>, blob: Uint8Array): number {
  const v = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength))
  let dot = 0
  let qq = 0
  let vv = 0
  for (let i = 0; i < v.length; i++) {
    const a = q[i]!
    const b = v[i]!
    dot += a * b
    qq += a * a
    vv += b * b
  }
  return 1 - dot / (Math.sqrt(qq) * Math.sqrt(vv))
}

/**
 * {@link nearestItems} without a vector extension (Postgres without pgvector): the scope's vectors of the
 * model are read and scored here, exactly as sqlite-vec would, then ranked and paged. O(items in scope) per
 * search, like the SQLite query (which also scores every candidate); fine for a store's size of memory.
 */
async function nearestByScan(db: Kysely<DB>, scope: ScopedItems, query: { model: string; vector: ArrayLike<number>; limit: number; offset: number }): Promise<NearRow[]> {
  const q = Float32Array.from(query.vector) // scored in float32, as sqlite-vec does
  // the scope's own conditions name its columns unqualified: it is read as a subquery, then joined
  const items = scope.select(['store_items.tenant', 'store_items.namespace', 'store_items.key', 'store_items.value', 'store_items.created_at', 'store_items.updated_at'])
  const rows = await db.selectFrom(items.as('c'))
    .innerJoin('store_vectors as v', (j) => j.onRef('v.tenant', '=', 'c.tenant').onRef('v.namespace', '=', 'c.namespace').onRef('v.key', '=', 'c.key'))
    .where('v.model', '=', query.model).where('v.dimensions', '=', query.vector.length)
    .select(['c.namespace', 'c.key', 'c.value', 'c.created_at', 'c.updated_at', 'v.embedding'])
    .execute()
  const best = new Map<string, NearRow>()
  for (const { embedding, ...r } of rows) {
    const distance = cosineDistance(q, embedding)
    const id = `${r.namespace}\u0000${r.key}`
    const had = best.get(id)
    if (had === undefined || distance < had.distance) best.set(id, { ...r, distance })
  }
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return [...best.values()]
    .sort((a, b) => a.distance - b.distance || byKey(a.namespace, b.namespace) || byKey(a.key, b.key))
    .slice(query.offset, query.offset + query.limit)
}

/** An item a query search must embed first: put while no embeddings were configured, or with another model. */
export interface PendingItem extends ItemRef { value: string; index_fields: string | null }

/** Up to `limit` items of `scope` that are indexed but not embedded with `model`. */
export async function pendingItems(scope: ScopedItems, model: string, limit: number): Promise<PendingItem[]> {
  return scope.select(['tenant', 'namespace', 'key', 'value', 'index_fields'])
    .where((eb) => eb.or([eb('index_fields', 'is', null), eb('index_fields', '!=', 'false')]))
    .where((eb) => eb.or([eb('embedded_with', 'is', null), eb('embedded_with', '!=', model)]))
    .orderBy('namespace').orderBy('key').limit(limit).execute()
}

/**
 * Stores the vectors of a pending item, unless the item changed since it was read (then the put
 * that changed it wrote its own). Returns whether they were stored.
 */
export async function storePendingVectors(db: Kysely<DB>, item: PendingItem, vectors: ItemVectors): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const now = await trx.selectFrom('store_items').select(['value', 'index_fields'])
      .where('tenant', '=', item.tenant).where('namespace', '=', item.namespace).where('key', '=', item.key).executeTakeFirst()
    if (now?.value !== item.value || now.index_fields !== item.index_fields) return false
    await replaceItemVectors(trx, item, vectors)
    return true
  })
}
