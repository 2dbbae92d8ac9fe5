import type { ChannelVersions, SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { blobKey, loadBlobs, type LoadedBlob } from './checkpoint-blob-reader.js'
import { unpackInline } from './checkpoint-inline.js'
import type { CheckpointRow } from './checkpoint-schema.js'
import type { DB } from './schema.js'

/** The columns of a checkpoint row that locate its values. */
export type InlineColumns = Pick<CheckpointRow, 'checkpoint_id' | 'inline_type' | 'inline_data' | 'inline_refs'>

/** A channel value and where it is stored: inline in a checkpoint row, or in `checkpoint_blobs` (with its chain's sizes). */
export interface StoredValue {
  value: unknown
  inlineAt?: string
  blob?: LoadedBlob
}

/**
 * The channel values of checkpoints of one (thread, namespace): each from the checkpoint's own inline values,
 * from the ancestor row its `inline_refs` names, or from `checkpoint_blobs` by version. Costs at most two
 * queries for the whole batch: ancestor rows not in it, and blob chains.
 */
export async function resolveValues(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  scope: { threadId: string; ns: string; items: { row: InlineColumns; versions: ChannelVersions }[] },
): Promise<Map<string, StoredValue>[]> {
  const { threadId, ns, items } = scope
  const rows = new Map(items.map(({ row }) => [row.checkpoint_id, row]))
  const refs = items.map(({ row }) => JSON.parse(row.inline_refs) as Record<string, string>)
  const outside = new Set(refs.flatMap((r) => Object.values(r)).filter((id) => !rows.has(id)))
  if (outside.size > 0) {
    const more = await db.selectFrom('checkpoints').select(['checkpoint_id', 'inline_type', 'inline_data', 'inline_refs'])
      .where('thread_id', '=', threadId).where('checkpoint_ns', '=', ns).where('checkpoint_id', 'in', [...outside])
      .execute()
    for (const r of more) rows.set(r.checkpoint_id, r)
  }
  const inline = new Map<string, Promise<Map<string, unknown>>>()
  const inlineOf = (id: string): Promise<Map<string, unknown>> | undefined => {
    const row = rows.get(id)
    if (row?.inline_data == null || row.inline_type === null) return undefined
    let p = inline.get(id)
    if (p === undefined) inline.set(id, (p = unpackInline(serde, row.inline_type, row.inline_data)))
    return p
  }

  const found: { ch: string; v: string; at?: string }[][] = []
  const wanted = new Map<string, Set<string>>()
  for (const [i, { row, versions }] of items.entries()) {
    const own = await inlineOf(row.checkpoint_id)
    const list: { ch: string; v: string; at?: string }[] = []
    for (const [ch, version] of Object.entries(versions)) {
      const v = String(version)
      const at = own?.has(ch) ? row.checkpoint_id : refs[i]![ch]
      list.push({ ch, v, at })
      if (at === undefined) wanted.set(ch, (wanted.get(ch) ?? new Set<string>()).add(v))
    }
    found.push(list)
  }
  const blobs = await loadBlobs(db, serde, { threadId, ns, wanted })

  const out: Map<string, StoredValue>[] = []
  for (const list of found) {
    const values = new Map<string, StoredValue>()
    for (const { ch, v, at } of list) {
      if (at !== undefined) {
        const packed = await inlineOf(at)
        if (packed?.has(ch)) values.set(ch, { value: packed.get(ch), inlineAt: at })
      } else {
        const blob = blobs.get(blobKey(ch, v))
        if (blob !== undefined) values.set(ch, { value: blob.value, blob })
      }
    }
    out.push(values)
  }
  return out
}
