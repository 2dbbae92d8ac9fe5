import type { Kysely } from 'kysely'
import type { DB } from './schema.js'

/**
 * The trace context stored with runs (`runs.trace_parent`, `runs.trace_span`; see migration
 * 016-run-trace). Only a traced process reads or writes it. Takes a db or a transaction.
 */
export function createRunTraceRepo(db: Kysely<DB>) {
  return {
    /** Records the span of the run's current attempt. */
    async setSpan(runId: string, traceparent: string): Promise<void> {
      await db.updateTable('runs').set({ trace_span: traceparent }).where('run_id', '=', runId).execute()
    },

    /** The span of the thread's run before `ordinal` that has one (the run a resume continues), if any. */
    async previousSpan(threadId: string, ordinal: number): Promise<string | undefined> {
      const r = await db.selectFrom('runs').select('trace_span').where('thread_id', '=', threadId)
        .where('ordinal', '<', ordinal).where('trace_span', 'is not', null)
        .orderBy('ordinal', 'desc').limit(1).executeTakeFirst()
      return r?.trace_span ?? undefined
    },
  }
}
export type RunTraceRepo = ReturnType<typeof createRunTraceRepo>
