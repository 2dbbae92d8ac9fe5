import type { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { vectorBlob } from './store-index-text.js'

/** A store item's identity: its tenant, its namespace (labels joined by `.`) and its key. */
export interface ItemRef { tenant: string; namespace: string; key: string }

/**
 * The vectors an item should have with `model`: one per indexed text. A text whose `vector` is
 * absent is unchanged since the last put (same field, same sha) and keeps its stored vector.
 */
export interface ItemVectors {
  model: string
  texts: { field: string; sha: string; vector?: ArrayLike<number> }[]
}

const ofItem = (db: Kysely<DB>, item: ItemRef) =>
  db.selectFrom('store_vectors').where('tenant', '=', item.tenant).where('namespace', '=', item.namespace).where('key', '=', item.key)

/** field → sha of the texts the item has vectors for with `model` (what a put need not embed again). */
export async function embeddedShas(db: Kysely<DB>, item: ItemRef, model: string): Promise<Map<string, string>> {
  const rows = await ofItem(db, item).select(['field', 'text_sha']).where('model', '=', model).execute()
  return new Map(rows.map((r) => [r.field, r.text_sha]))
}

/**
 * Makes the item's vectors exactly `vectors` (none when undefined: not indexed, or no embeddings
 * configured) and records the model in `embedded_with`. Call it in the transaction that writes the
 * item. A kept text whose stored vector a concurrent put replaced leaves `embedded_with` null, so the
 * next query search embeds the item again rather than missing a field.
 */
export async function replaceItemVectors(trx: Kysely<DB>, item: ItemRef, vectors: ItemVectors | undefined): Promise<void> {
  const had = await ofItem(trx, item).select(['id', 'field', 'text_sha', 'model']).execute()
  const wanted = new Map((vectors?.texts ?? []).map((t) => [t.field, t]))
  const stale = had.filter((r) => r.model !== vectors?.model || wanted.get(r.field)?.sha !== r.text_sha || wanted.get(r.field)?.vector !== undefined)
  if (stale.length > 0) await trx.deleteFrom('store_vectors').where('id', 'in', stale.map((r) => r.id)).execute()
  let complete = vectors !== undefined
  for (const t of vectors?.texts ?? []) {
    if (t.vector === undefined) {
      complete &&= had.some((r) => r.field === t.field && r.text_sha === t.sha && r.model === vectors?.model)
      continue
    }
    await trx.insertInto('store_vectors').values({
      tenant: item.tenant, namespace: item.namespace, key: item.key, field: t.field, text_sha: t.sha, model: vectors!.model, dimensions: t.vector.length, embedding: vectorBlob(t.vector),
    }).execute()
  }
  await trx.updateTable('store_items').set({ embedded_with: complete ? vectors!.model : null })
    .where('tenant', '=', item.tenant).where('namespace', '=', item.namespace).where('key', '=', item.key).execute()
}

/** Number of vectors stored for the items of `tenant` (all tenants when undefined); for tests and stats. */
export async function countStoreVectors(db: Kysely<DB>, tenant?: string): Promise<number> {
  let q = db.selectFrom('store_vectors').select((eb) => eb.fn.countAll<number>().as('n'))
  if (tenant !== undefined) q = q.where('tenant', '=', tenant)
  return Number((await q.executeTakeFirstOrThrow()).n)
}
