import { AppError } from '../store/app-error.js'
import { KyselySaver } from '../store/kysely-saver.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'
import { deleteThread } from './thread-delete.js'

export type PruneStrategy = 'delete' | 'keep_latest'

/**
 * `POST /threads/prune` (SDK `threads.prune`): `delete` removes each thread with everything it holds;
 * `keep_latest` keeps the thread and its current state (the latest checkpoint of each namespace, with
 * its pending interrupts) and drops its history. Threads that do not exist in the caller's tenant,
 * and threads with a pending or running run, are left alone and not counted.
 */
export async function pruneThreads(rt: Runtime, threadIds: readonly string[], strategy: PruneStrategy): Promise<number> {
  const saver = rt.checkpointer
  if (strategy === 'keep_latest' && !(saver instanceof KyselySaver)) {
    throw new AppError('VALIDATION', 'keep_latest needs the built-in checkpointer', { details: { strategy } })
  }
  const threads = createThreadRepo(rt.store.db)
  let pruned = 0
  for (const id of new Set(threadIds)) {
    if (!(await threads.find(id))) continue
    if ((await rt.runs.inflightRuns(id)).length > 0) continue
    if (strategy === 'delete') await deleteThread(rt, id)
    else await (saver as KyselySaver).pruneToLatest(id)
    pruned++
  }
  return pruned
}
