import type { RunnableConfig } from '@langchain/core/runnables'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { AppError } from '../store/app-error.js'
import type { PatchedMetadata } from '../store/checkpoint-metadata.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'

/** The body of `PATCH /threads/{id}/state`: the SDK sends `metadata`; a checkpoint may be named as in `POST /state`. */
export interface StatePatch {
  metadata: Record<string, unknown>
  checkpoint_id?: string
  checkpoint?: Record<string, unknown>
}

interface MetadataPatcher { patchMetadata(config: RunnableConfig, patch: Record<string, unknown>): Promise<PatchedMetadata | undefined> }

const canPatch = (c: BaseCheckpointSaver): c is BaseCheckpointSaver & MetadataPatcher =>
  typeof (c as Partial<MetadataPatcher>).patchMetadata === 'function'

/**
 * `PATCH /threads/{id}/state` (SDK `threads.patchState`), as the official server does it: merges `metadata`
 * into the metadata of the thread's latest checkpoint, or of the one `checkpoint_id` / `checkpoint` names,
 * in place (no new checkpoint; values and history are unchanged). NOT_FOUND for a thread this request
 * cannot see, an unknown checkpoint, or a thread with no checkpoint yet.
 *
 * @example
 * await patchThreadState(rt, threadId, { metadata: { reviewed: true } })
 */
export async function patchThreadState(rt: Runtime, threadId: string, p: StatePatch): Promise<{ checkpoint_id: string }> {
  await createThreadRepo(rt.store.db).get(threadId) // tenant-scoped: another tenant's thread is NOT_FOUND
  const configurable: Record<string, unknown> = { checkpoint_ns: '', ...p.checkpoint, thread_id: threadId }
  if (p.checkpoint_id !== undefined) configurable.checkpoint_id = p.checkpoint_id
  if (!canPatch(rt.checkpointer)) throw new AppError('INTERNAL', 'this checkpointer cannot patch checkpoint metadata')
  const patched = await rt.checkpointer.patchMetadata({ configurable }, p.metadata)
  if (patched === undefined) {
    const id = typeof configurable.checkpoint_id === 'string' ? configurable.checkpoint_id : undefined
    throw new AppError('NOT_FOUND', id ? `thread ${threadId} has no checkpoint ${id}` : `thread ${threadId} has no checkpoint to patch yet`,
      { details: { thread_id: threadId, checkpoint_id: id ?? null } })
  }
  return { checkpoint_id: patched.checkpointId }
}
