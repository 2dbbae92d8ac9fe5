import {
  BaseCheckpointSaver,
  ERROR,
  WRITES_IDX_MAP,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint'
import type { RunnableConfig } from '@langchain/core/runnables'
import type { Insertable, Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { CheckpointCache, type CheckpointCacheOptions } from './checkpoint-cache.js'
import { decode } from './checkpoint-decode.js'
import { patchCheckpointMetadata, type PatchedMetadata } from './checkpoint-metadata.js'
import { listTuples } from './checkpoint-list.js'
import type { CheckpointBlobTable, CheckpointRow } from './checkpoint-schema.js'
import { StatementCache } from './checkpoint-statements.js'
import { baseOf, inlineRefs, parentState, stateAfterPut, versionStrings } from './checkpoint-thread-state.js'
import { hydrateTuples } from './checkpoint-tuples.js'
import { redactError, redactValue } from './secret-redaction.js'
import { appendCandidates, encodeValues, type StoragePolicy } from './checkpoint-value-writer.js'
import type { DB } from './schema.js'

/** Tuning of a {@link KyselySaver}; the defaults suit LangGraph state of any size. */
export interface KyselySaverOptions {
  /** How values are serialized (default: LangGraph's JsonPlusSerializer). */
  serde?: SerializerProtocol
  /** Write a full copy once the deltas since the last one exceed `fullCopyRatio` × its size (default 1). */
  fullCopyRatio?: number
  /** Store a changed value of at most this many serialized bytes inline in the checkpoint row (default 1,024). */
  inlineBytes?: number
  /** Bounds of the in-memory cache of last written values, used to detect appends. */
  cache?: CheckpointCacheOptions
}

const REPLACED = ['parent_checkpoint_id', 'type', 'checkpoint', 'metadata', 'inline_type', 'inline_data', 'inline_refs'] as const
const BLOB_PK = ['thread_id', 'checkpoint_ns', 'channel', 'version'] as const
const WRITE_PK = ['thread_id', 'checkpoint_ns', 'checkpoint_id', 'task_id', 'idx'] as const
const WRITE_REPLACED = ['channel', 'type', 'data', 'task_path'] as const
// SQLite binds at most 32,766 parameters per statement; 9 columns × 500 rows stays far below.
const WRITE_CHUNK = 500

interface Scope {
  threadId: string
  ns: string
  checkpointId: string | undefined
}

const redactErrorWrite = (v: unknown) => (v instanceof Error ? redactError(v) : redactValue(v))

function scopeOf(config: RunnableConfig, op: string): Scope {
  const c = config.configurable
  if (typeof c?.thread_id !== 'string' || c.thread_id === '') {
    throw new AppError('VALIDATION', `${op}: config.configurable.thread_id is required`)
  }
  const ns = typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : ''
  return { threadId: c.thread_id, ns, checkpointId: c.checkpoint_id || undefined }
}

/**
 * A LangGraph checkpointer over kysely (SQLite today, any kysely dialect with recursive CTEs tomorrow).
 *
 * Each channel value is written once, by the checkpoint that changed it, so a channel that did not change is
 * never written again: a small value inline in that checkpoint's row (a put is then one statement), a large one
 * in `checkpoint_blobs` under its version. A channel that grows by appending (messages, logs) stores only the
 * appended elements, with a full copy whenever the deltas since the last one outweigh it (see {@link StoragePolicy}).
 * Reads batch a page of history into a few queries; the tuples of one `list` share the objects of the channel
 * versions they have in common, as a 300-step history would otherwise decode 300 copies of a growing list.
 * Treat them as read-only, as LangGraph does.
 *
 * @example
 * const { db } = await openDb('.switchyard/switchyard.db')
 * const graph = builder.compile({ checkpointer: new KyselySaver(db) })
 */
export class KyselySaver extends BaseCheckpointSaver {
  readonly #db: Kysely<DB>
  readonly #cache: CheckpointCache
  readonly #policy: StoragePolicy
  readonly #stmts = new StatementCache()

  constructor(db: Kysely<DB>, opts: KyselySaverOptions = {}) {
    super(opts.serde)
    this.#db = db
    this.#cache = new CheckpointCache(opts.cache)
    this.#policy = Object.freeze({ ratio: opts.fullCopyRatio ?? 1, inlineBytes: opts.inlineBytes ?? 1024 })
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c = config.configurable
    if (typeof c?.thread_id !== 'string') return undefined
    const ns: string = c.checkpoint_ns ?? ''
    const id: string | undefined = c.checkpoint_id || undefined
    const db = this.#db
    const base = () => db.selectFrom('checkpoints').selectAll().where('thread_id', '=', c.thread_id).where('checkpoint_ns', '=', ns)
    const { rows: [row] } = id !== undefined
      ? await this.#stmts.run(db, 'getTuple:id', [c.thread_id, ns, id], () => base().where('checkpoint_id', '=', id))
      : await this.#stmts.run(db, 'getTuple:latest', [c.thread_id, ns, 1], () => base().orderBy('checkpoint_id', 'desc').limit(1))
    if (row === undefined) return undefined
    const metadata = (await decode(this.serde, row.type, row.metadata)) as CheckpointMetadata
    const [tuple] = await hydrateTuples(this.#db, this.serde, [{ row, metadata }], (v) => this.getNextVersion(v))
    return tuple
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    yield* listTuples(this.#db, this.serde, { config, options, nextVersion: (v) => this.getNextVersion(v) })
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const { threadId, ns, checkpointId: parentId } = scopeOf(config, 'put')
    const { channel_values: values, ...rest } = checkpoint
    const [[type, body], [metaType, meta]] = await Promise.all([this.serde.dumpsTyped(rest), this.serde.dumpsTyped(metadata)])
    if (type !== metaType) throw new AppError('INTERNAL', `checkpoint and metadata serialized as ${type} and ${metaType}`)
    const parent = await parentState(this.#db, this.serde, {
      threadId, ns, parentId, cached: this.#cache.get(threadId, ns, parentId), candidates: appendCandidates(values, newVersions),
    })
    const enc = await encodeValues(this.serde, { checkpointId: checkpoint.id, values, newVersions, base: baseOf(parent) }, this.#policy)
    const row: CheckpointRow = {
      thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id, parent_checkpoint_id: parentId ?? null,
      type, checkpoint: body, metadata: meta,
      inline_type: enc.inline !== undefined ? 'json' : null,
      inline_data: enc.inline ?? null,
      inline_refs: JSON.stringify(inlineRefs(parent, versionStrings(checkpoint.channel_versions), newVersions)),
    }
    const blobsInserted = await this.#insert(row, enc.blobs.map((b) => ({ thread_id: threadId, checkpoint_ns: ns, ...b })))
    this.#cache.set(threadId, ns, stateAfterPut(checkpoint, { parent, newVersions, states: enc.states, blobsInserted }))
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } }
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const { threadId, ns, checkpointId } = scopeOf(config, 'putWrites')
    if (checkpointId === undefined) throw new AppError('VALIDATION', 'putWrites: config.configurable.checkpoint_id is required')
    const rows = await Promise.all(writes.map(async ([channel, value], idx) => {
      // a node's error as LangGraph records it (`{ message, name }`): a user graph's node may quote a key the
      // process holds, and no span of ours wrapped it, so the checkpoint is the last place to keep it out
      const [type, data] = await this.serde.dumpsTyped(channel === ERROR ? redactErrorWrite(value) : value)
      return {
        thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId, task_id: taskId,
        idx: WRITES_IDX_MAP[channel] ?? idx, channel, type, data, task_path: taskPath,
      }
    }))
    // Special writes (error, interrupt, resume) replace an earlier one of the same task; regular ones are kept once.
    const replace = writes.every(([channel]) => channel in WRITES_IDX_MAP)
    const db = this.#db
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      const chunk = rows.slice(i, i + WRITE_CHUNK)
      await this.#stmts.run(db, `putWrites:${chunk.length}:${replace}`, chunk.flatMap(Object.values), () =>
        db.insertInto('checkpoint_writes').values(chunk).onConflict((oc) => replace
          ? oc.columns(WRITE_PK).doUpdateSet((eb) => Object.fromEntries(WRITE_REPLACED.map((col) => [col, eb.ref(`excluded.${col}`)])))
          : oc.columns(WRITE_PK).doNothing()))
    }
  }

  /**
   * Merges `patch` into the metadata of the checkpoint `config` names (the latest of its thread and namespace
   * when it names none), leaving everything else of it as it was; undefined when there is no such checkpoint.
   */
  async patchMetadata(config: RunnableConfig, patch: Record<string, unknown>): Promise<PatchedMetadata | undefined> {
    return patchCheckpointMetadata(this.#db, this.serde, scopeOf(config, 'patchMetadata'), patch)
  }

  /**
   * Keeps only the latest checkpoint of each namespace of a thread, with its pending writes (an
   * interrupted thread can still be resumed), rewritten as a root checkpoint with full values, and
   * deletes every other one, in one transaction. Returns how many checkpoints were deleted.
   */
  async pruneToLatest(threadId: string): Promise<number> {
    const db = this.#db
    const groups = await db.selectFrom('checkpoints').select((eb) => ['checkpoint_ns', eb.fn.max('checkpoint_id').as('head'), eb.fn.countAll<number>().as('n')])
      .where('thread_id', '=', threadId).groupBy('checkpoint_ns').execute()
    const heads = await Promise.all(groups.map((g) => this.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: g.checkpoint_ns, checkpoint_id: g.head } })))
    await db.transaction().execute(async (trx) => {
      const fresh = new KyselySaver(trx, { serde: this.serde, fullCopyRatio: this.#policy.ratio, inlineBytes: this.#policy.inlineBytes })
      await trx.deleteFrom('checkpoint_writes').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('checkpoint_blobs').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('checkpoints').where('thread_id', '=', threadId).execute()
      for (const t of heads) {
        if (!t) continue
        const ns = (t.config.configurable?.checkpoint_ns as string | undefined) ?? ''
        await fresh.put({ configurable: { thread_id: threadId, checkpoint_ns: ns } }, t.checkpoint, t.metadata ?? ({} as CheckpointMetadata), t.checkpoint.channel_versions)
        const byTask = new Map<string, PendingWrite[]>()
        for (const [task, channel, value] of t.pendingWrites ?? []) byTask.set(task, [...(byTask.get(task) ?? []), [channel, value]])
        const at = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: t.checkpoint.id } }
        for (const [task, writes] of byTask) await fresh.putWrites(at, writes, task)
      }
    })
    this.#cache.deleteThread(threadId)
    return groups.reduce((sum, g) => sum + Number(g.n), 0) - heads.filter(Boolean).length
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('checkpoint_writes').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('checkpoint_blobs').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('checkpoints').where('thread_id', '=', threadId).execute()
    })
    this.#cache.deleteThread(threadId)
  }

  /**
   * Writes the blobs first and the checkpoint row last: a crash in between leaves only blobs no checkpoint refers
   * to, under versions nothing will reuse, so no transaction is needed and a put is one or two statements, not
   * four. Returns whether every blob row was new.
   */
  async #insert(row: CheckpointRow, blobs: Insertable<CheckpointBlobTable>[]): Promise<boolean> {
    const db = this.#db
    let added = 0
    if (blobs.length > 0) {
      const res = await this.#stmts.run(db, `put:blobs:${blobs.length}`, blobs.flatMap(Object.values), () =>
        db.insertInto('checkpoint_blobs').values(blobs).onConflict((oc) => oc.columns(BLOB_PK).doNothing()))
      added = Number(res.numAffectedRows ?? 0)
    }
    await this.#stmts.run(db, 'put:checkpoint', Object.values(row), () => db.insertInto('checkpoints').values(row)
      .onConflict((oc) => oc.columns(['thread_id', 'checkpoint_ns', 'checkpoint_id'])
        .doUpdateSet((eb) => Object.fromEntries(REPLACED.map((col) => [col, eb.ref(`excluded.${col}`)])))))
    return added === blobs.length
  }

  /**
   * Next version: the integer part counts up as usual, a random fraction keeps it unique. A fork from an older
   * checkpoint would otherwise reuse a version number the original branch already stored with another value.
   */
  override getNextVersion(current: number | undefined): number {
    return Math.floor(current ?? 0) + 1 + Math.random()
  }
}
