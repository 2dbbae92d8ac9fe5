import type { SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { decode } from './checkpoint-decode.js'
import type { CheckpointBlobRow } from './checkpoint-schema.js'
import type { DB } from './schema.js'

/** A channel value rebuilt from its chain, with the byte counts the full-copy policy continues from. */
export interface LoadedBlob {
  value: unknown
  fullBytes: number
  deltaBytes: number
}

type ChainRow = Pick<CheckpointBlobRow, 'channel' | 'version' | 'kind' | 'type' | 'base_version' | 'data'>

/** Map key of one channel version. */
export const blobKey = (channel: string, version: string) => `${channel}\u0000${version}`

// Integer-prefixed versions sort by number, so a batch is rebuilt oldest first and each chain walk stops at
// the previous requested version instead of going back to the full copy every time.
const byVersion = (a: string, b: string) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0)

/**
 * Loads the values of the given channel versions of one (thread, namespace), following delta chains to their
 * full copy, in one recursive query. Versions without a stored blob are absent from the result.
 *
 * Values rebuilt in one call share the objects they have in common (a delta's base is reused, not copied):
 * callers hand them out read-only, as LangGraph's reducers treat state.
 */
export async function loadBlobs(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  scope: { threadId: string; ns: string; wanted: Map<string, Set<string>> },
): Promise<Map<string, LoadedBlob>> {
  const { threadId, ns, wanted } = scope
  const out = new Map<string, LoadedBlob>()
  if (wanted.size === 0) return out
  // CROSS JOIN keeps the chain row as the outer loop (SQLite does not reorder it), so each step is one
  // primary-key lookup; the seed spells out every key column per channel so each OR term uses the key too.
  const rows = await db
    .withRecursive('chain(channel, version, base_version)', (qc) =>
      qc.selectFrom('checkpoint_blobs')
        .select(['channel', 'version', 'base_version'])
        .where((eb) => eb.or([...wanted].map(([ch, vs]) => eb.and([
          eb('thread_id', '=', threadId), eb('checkpoint_ns', '=', ns), eb('channel', '=', ch), eb('version', 'in', [...vs]),
        ]))))
        .union((u) =>
          u.selectFrom('chain as c')
            .crossJoin('checkpoint_blobs as b')
            .select(['b.channel', 'b.version', 'b.base_version'])
            .where('b.thread_id', '=', threadId)
            .where('b.checkpoint_ns', '=', ns)
            .whereRef('b.channel', '=', 'c.channel')
            .whereRef('b.version', '=', 'c.base_version')))
    .selectFrom('chain as c')
    .crossJoin('checkpoint_blobs as b')
    .select(['b.channel', 'b.version', 'b.kind', 'b.type', 'b.base_version', 'b.data'])
    .where('b.thread_id', '=', threadId)
    .where('b.checkpoint_ns', '=', ns)
    .whereRef('b.channel', '=', 'c.channel')
    .whereRef('b.version', '=', 'c.version')
    .execute()

  const byKey = new Map<string, ChainRow>()
  for (const r of rows) byKey.set(blobKey(r.channel, r.version), r)
  const decoded = new Map<string, unknown>()
  await Promise.all(rows.map(async (r) => decoded.set(blobKey(r.channel, r.version), await decode(serde, r.type, r.data))))

  for (const [channel, versions] of wanted) {
    for (const version of [...versions].sort(byVersion)) {
      const k = blobKey(channel, version)
      if (byKey.has(k)) out.set(k, rebuild(k, byKey, decoded, out))
    }
  }
  return out
}

/** Walks back from `k` to a full copy (or an already rebuilt version), then appends the tails in order. */
function rebuild(k: string, rows: Map<string, ChainRow>, decoded: Map<string, unknown>, done: Map<string, LoadedBlob>): LoadedBlob {
  const tails: ChainRow[] = []
  let cur = k
  let anchor: LoadedBlob | undefined
  for (;;) {
    anchor = done.get(cur)
    if (anchor !== undefined) break
    const row = rows.get(cur)
    if (row === undefined) throw new AppError('INTERNAL', `checkpoint blob chain broken at ${cur.replace('\u0000', '@')}`)
    if (row.kind === 'full') {
      anchor = { value: decoded.get(cur), fullBytes: row.data.byteLength, deltaBytes: 0 }
      break
    }
    tails.push(row)
    cur = blobKey(row.channel, row.base_version ?? '')
  }
  if (tails.length === 0) return anchor
  if (!Array.isArray(anchor.value)) throw new AppError('INTERNAL', `checkpoint delta on a non-array value at ${k.replace('\u0000', '@')}`)
  tails.reverse()
  let deltaBytes = anchor.deltaBytes
  for (const t of tails) deltaBytes += t.data.byteLength
  const value = anchor.value.concat(...tails.map((t) => decoded.get(blobKey(t.channel, t.version)) as unknown[]))
  return { value, fullBytes: anchor.fullBytes, deltaBytes }
}
