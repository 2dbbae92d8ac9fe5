import { isAppError } from '../store/app-error.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'
import { deleteThread } from './thread-delete.js'

/**
 * Deletes the threads whose TTL ran out by `now` (every tenant's), with their checkpoints, runs,
 * logs and crons. A thread with a pending or running run is not idle: it is left for a later sweep.
 * Returns how many were deleted.
 */
export async function sweepExpiredThreads(rt: Runtime, now: Date = new Date()): Promise<number> {
  let deleted = 0
  for (const id of await createThreadRepo(rt.store.db).expired(now.toISOString())) {
    if ((await rt.runs.inflightRuns(id)).length > 0) continue
    try {
      await deleteThread(rt, id)
      deleted++
    } catch (e) {
      // deleted meanwhile, or a run started on it since the check
      if (!isAppError(e) || (e.code !== 'NOT_FOUND' && e.code !== 'CONFLICT')) throw e
    }
  }
  return deleted
}
