import { AppError } from '../store/app-error.js'
import { createCronRepo } from '../store/cron-repo.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'

/**
 * Deletes a thread: its checkpoints, its runs with their event logs, its crons, and the row. A thread with a running
 * run is refused (CONFLICT) rather than pulled from under it; pending runs go with the thread.
 */
export async function deleteThread(rt: Runtime, threadId: string): Promise<void> {
  const threads = createThreadRepo(rt.store.db)
  await threads.get(threadId)
  const running = await rt.store.db.selectFrom('runs').select('run_id').where('thread_id', '=', threadId)
    .where('status', '=', 'running').executeTakeFirst()
  if (running) {
    throw new AppError('CONFLICT', `thread ${threadId} has a running run (${running.run_id}): cancel it first`, { details: { thread_id: threadId, run_id: running.run_id } })
  }
  await rt.store.db.transaction().execute(async (trx) => {
    await createThreadRepo(trx).delete(threadId)
    await createCronRepo(trx).deleteForThread(threadId)
  })
  await rt.checkpointer.deleteThread(threadId)
}
