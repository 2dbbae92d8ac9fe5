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
 * queries for the whole batch: ancestor rows not in it, and blob chains. Checkpoints of one batch holding the
 * same version of a channel get the same object (see `loadBlobs`).
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
  const packed = new Map<string, Map<string, unknown>>()
  await Promise.all([...rows.values()].map(async (r) => {
    if (r.inline_type !== null && r.inline_data !== null) packed.set(r.checkpoint_id, await unpackInline(serde, r.inline_type, r.inline_data))
  }))

  // Where each value is: the checkpoint row holding it inline, or else checkpoint_blobs under its version.
  const located = items.map(({ row, versions }, i) => Object.entries(versions).map(([ch, version]) => {
    const at = packed.get(row.checkpoint_id)?.has(ch) ? row.checkpoint_id : refs[i]![ch]
    return { ch, v: String(version), at }
  }))
  const wanted = new Map<string, Set<string>>()
  for (const { ch, v, at } of located.flat()) if (at === undefined) wanted.set(ch, (wanted.get(ch) ?? new Set<string>()).add(v))
  const blobs = await loadBlobs(db, serde, { threadId, ns, wanted })

  const out = located.map((list) => {
    const values = new Map<string, StoredValue>()
    for (const { ch, v, at } of list) {
      const inline = at !== undefined ? packed.get(at) : undefined
      const blob = at === undefined ? blobs.get(blobKey(ch, v)) : undefined
      if (inline?.has(ch)) values.set(ch, { value: inline.get(ch), inlineAt: at })
      else if (blob !== undefined) values.set(ch, { value: blob.value, blob })
    }
    return values
  })
  return out
}
