import {
  TASKS,
  compareWritesSortKeys,
  maxChannelVersion,
  writesSortKey,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { decode } from './checkpoint-decode.js'
import type { CheckpointRow, CheckpointWriteRow } from './checkpoint-schema.js'
import { resolveValues } from './checkpoint-value-reader.js'
import type { DB } from './schema.js'

/** A checkpoint row with its metadata already decoded (list decodes it first, to filter). */
export interface DecodedRow {
  row: CheckpointRow
  metadata: CheckpointMetadata
}

type WriteRow = Pick<CheckpointWriteRow, 'checkpoint_id' | 'task_id' | 'idx' | 'channel' | 'type' | 'data' | 'task_path'>

/** Pending writes of the given checkpoints of one (thread, namespace), in `writesSortKey` order, by checkpoint id. */
export async function loadWrites(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  scope: { threadId: string; ns: string; checkpointIds: string[]; channel?: string },
): Promise<Map<string, CheckpointPendingWrite[]>> {
  const out = new Map<string, CheckpointPendingWrite[]>()
  if (scope.checkpointIds.length === 0) return out
  let q = db.selectFrom('checkpoint_writes')
    .select(['checkpoint_id', 'task_id', 'idx', 'channel', 'type', 'data', 'task_path'])
    .where('thread_id', '=', scope.threadId)
    .where('checkpoint_ns', '=', scope.ns)
    .where('checkpoint_id', 'in', scope.checkpointIds)
  if (scope.channel !== undefined) q = q.where('channel', '=', scope.channel)
  const rows: WriteRow[] = await q.execute()
  const keyed = rows.map((r) => ({ r, k: writesSortKey(r.task_path, r.task_id, r.idx) }))
  keyed.sort((a, b) => compareWritesSortKeys(a.k, b.k))
  const values = await Promise.all(keyed.map(({ r }) => decode(serde, r.type, r.data)))
  keyed.forEach(({ r }, i) => {
    const list = out.get(r.checkpoint_id) ?? []
    list.push([r.task_id, r.channel, values[i]])
    out.set(r.checkpoint_id, list)
  })
  return out
}

const configOf = (threadId: string, ns: string, checkpointId: string) =>
  ({ configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } })

/**
 * Turns checkpoint rows into tuples: channel values (inline or from blobs) and pending writes, batched per
 * (thread, namespace) so a page of history costs a handful of queries, not a handful per checkpoint.
 */
export async function hydrateTuples(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  decoded: DecodedRow[],
  nextVersion: (current: undefined) => number,
): Promise<CheckpointTuple[]> {
  const groups = new Map<string, DecodedRow[]>()
  for (const d of decoded) {
    const k = JSON.stringify([d.row.thread_id, d.row.checkpoint_ns])
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [d])
    else group.push(d)
  }
  const tuples = new Map<DecodedRow, CheckpointTuple>()
  for (const group of groups.values()) {
    const { thread_id: threadId, checkpoint_ns: ns } = group[0]!.row
    const checkpoints = await Promise.all(group.map(async ({ row }) =>
      (await decode(serde, row.type, row.checkpoint)) as Omit<Checkpoint, 'channel_values'>))
    const [values, writes] = await Promise.all([
      resolveValues(db, serde, { threadId, ns, items: group.map((d, i) => ({ row: d.row, versions: checkpoints[i]!.channel_versions })) }),
      loadWrites(db, serde, { threadId, ns, checkpointIds: group.map((d) => d.row.checkpoint_id) }),
    ])
    for (const [i, d] of group.entries()) {
      const cp = checkpoints[i]!
      const channel_values: Record<string, unknown> = {}
      for (const [ch, stored] of values[i]!) channel_values[ch] = stored.value
      const checkpoint: Checkpoint = { ...cp, channel_values }
      const parentId = d.row.parent_checkpoint_id
      if (checkpoint.v < 4 && parentId !== null) {
        await migratePendingSends(db, serde, { threadId, ns, parentId, checkpoint, nextVersion })
      }
      tuples.set(d, {
        config: configOf(threadId, ns, d.row.checkpoint_id),
        checkpoint,
        metadata: d.metadata,
        pendingWrites: writes.get(d.row.checkpoint_id) ?? [],
        ...(parentId !== null ? { parentConfig: configOf(threadId, ns, parentId) } : {}),
      })
    }
  }
  return decoded.map((d) => tuples.get(d)!)
}

/** Checkpoints before format v4 kept pending sends as writes on the parent; v4 keeps them in a channel. */
async function migratePendingSends(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  args: { threadId: string; ns: string; parentId: string; checkpoint: Checkpoint; nextVersion: (current: undefined) => number },
): Promise<void> {
  const { threadId, ns, parentId, checkpoint } = args
  const sends = await loadWrites(db, serde, { threadId, ns, checkpointIds: [parentId], channel: TASKS })
  checkpoint.channel_values[TASKS] = (sends.get(parentId) ?? []).map(([, , value]) => value)
  const versions = Object.values(checkpoint.channel_versions)
  checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : args.nextVersion(undefined)
}
