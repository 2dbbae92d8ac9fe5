import { isDeepStrictEqual } from 'node:util'
import type {
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint'
import type { RunnableConfig } from '@langchain/core/runnables'
import type { Kysely } from 'kysely'
import { decode } from './checkpoint-decode.js'
import type { CheckpointRow } from './checkpoint-schema.js'
import { hydrateTuples, type DecodedRow } from './checkpoint-tuples.js'
import type { DB } from './schema.js'

// Large enough that a long thread's history hydrates in a few batches, small enough to bound memory per page.
const PAGE = 500

/**
 * Checkpoints newest first, optionally narrowed to a thread, a namespace, one checkpoint id, ids `before` one,
 * and metadata equal to `filter` on every given key; at most `limit` (0 yields none).
 * Pages by keyset on (checkpoint_id, thread_id, checkpoint_ns), so rows written meanwhile are never repeated.
 */
export async function* listTuples(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  args: { config: RunnableConfig; options: CheckpointListOptions; nextVersion: (current: undefined) => number },
): AsyncGenerator<CheckpointTuple> {
  const c = args.config.configurable ?? {}
  const { before, filter } = args.options
  const wanted = Object.entries(filter ?? {}).filter(([, v]) => v !== undefined)
  let remaining = args.options.limit ?? Infinity
  let after: CheckpointRow | undefined
  while (remaining > 0) {
    const pageSize = wanted.length === 0 ? Math.min(PAGE, remaining) : PAGE
    let q = db.selectFrom('checkpoints').selectAll()
    if (c.thread_id !== undefined) q = q.where('thread_id', '=', c.thread_id)
    if (c.checkpoint_ns !== undefined) q = q.where('checkpoint_ns', '=', c.checkpoint_ns)
    if (c.checkpoint_id) q = q.where('checkpoint_id', '=', c.checkpoint_id)
    if (before?.configurable?.checkpoint_id) q = q.where('checkpoint_id', '<', before.configurable.checkpoint_id)
    if (after !== undefined) {
      const a = after
      q = q.where((eb) => eb(eb.refTuple('checkpoint_id', 'thread_id', 'checkpoint_ns'), '<',
        eb.tuple(a.checkpoint_id, a.thread_id, a.checkpoint_ns)))
    }
    const rows = await q.orderBy('checkpoint_id', 'desc').orderBy('thread_id', 'desc').orderBy('checkpoint_ns', 'desc')
      .limit(pageSize).execute()
    if (rows.length === 0) return
    after = rows[rows.length - 1]
    const decoded: DecodedRow[] = []
    for (const row of rows) {
      if (decoded.length >= remaining) break
      const metadata = (await decode(serde, row.type, row.metadata)) as CheckpointMetadata
      const m = metadata as Record<string, unknown>
      if (wanted.every(([k, v]) => isDeepStrictEqual(m[k], v))) decoded.push({ row, metadata })
    }
    remaining -= decoded.length
    yield* await hydrateTuples(db, serde, decoded, args.nextVersion)
    if (rows.length < pageSize) return
  }
}
