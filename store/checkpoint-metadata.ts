import type { CheckpointMetadata, SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { decode } from './checkpoint-decode.js'
import type { DB } from './schema.js'

/** Which checkpoint {@link patchCheckpointMetadata} patches: the latest of (thread, namespace) unless `checkpointId` names one. */
export interface CheckpointTarget { threadId: string; ns: string; checkpointId: string | undefined }

/** The checkpoint a patch landed on, with its metadata after the patch. */
export interface PatchedMetadata { checkpointId: string; metadata: CheckpointMetadata }

/**
 * Merges `patch` into the metadata of one checkpoint (top-level keys; a key set to null stays, as null), in
 * place: its id, values, parent and pending writes are unchanged, so forks and history still line up. Read
 * and write happen in one transaction, so concurrent patches of one checkpoint both land. Returns undefined
 * when there is no such checkpoint.
 *
 * @example
 * await patchCheckpointMetadata(db, serde, { threadId, ns: '', checkpointId: undefined }, { reviewed: true })
 */
export async function patchCheckpointMetadata(db: Kysely<DB>, serde: SerializerProtocol, target: CheckpointTarget, patch: Record<string, unknown>): Promise<PatchedMetadata | undefined> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('checkpoints').select(['checkpoint_id', 'type', 'metadata'])
      .where('thread_id', '=', target.threadId).where('checkpoint_ns', '=', target.ns)
    q = target.checkpointId !== undefined ? q.where('checkpoint_id', '=', target.checkpointId) : q.orderBy('checkpoint_id', 'desc').limit(1)
    const row = await q.executeTakeFirst()
    if (row === undefined) return undefined
    const metadata = { ...(await decode(serde, row.type, row.metadata) as CheckpointMetadata), ...patch } as CheckpointMetadata
    const [type, bytes] = await serde.dumpsTyped(metadata)
    // one `type` column describes both the checkpoint and its metadata
    if (type !== row.type) throw new AppError('INTERNAL', `patched metadata serialized as ${type}, the checkpoint as ${row.type}`)
    await trx.updateTable('checkpoints').set({ metadata: bytes })
      .where('thread_id', '=', target.threadId).where('checkpoint_ns', '=', target.ns).where('checkpoint_id', '=', row.checkpoint_id)
      .execute()
    return { checkpointId: row.checkpoint_id, metadata }
  })
}
