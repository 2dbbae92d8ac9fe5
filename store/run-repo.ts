import type { Kysely } from 'kysely'
import { AppError } from './app-error.js'
import type { RunKind, RunRow, RunStatus, ThreadRow } from './run-schema.js'
import type { DB } from './schema.js'

const now = () => new Date().toISOString()

/** Threads, runs (the queue) and the per-run event log. Takes a db or a transaction, never opens one. */
export function createRunRepo(db: Kysely<DB>) {
  return {
    async ensureThread(threadId: string, graph: string): Promise<ThreadRow> {
      await db.insertInto('threads').values({ thread_id: threadId, graph })
        .onConflict((oc) => oc.column('thread_id').doNothing()).execute()
      let t = await this.getThread(threadId)
      if (t.graph === null) {
        // a thread created without a graph (e.g. over HTTP) is bound to the graph of its first run
        await db.updateTable('threads').set({ graph, updated_at: now() }).where('thread_id', '=', threadId).execute()
        t = { ...t, graph }
      }
      if (t.graph !== graph) {
        throw new AppError('CONFLICT', `thread ${threadId} belongs to graph "${t.graph}", not "${graph}"`)
      }
      return t
    },

    getThread: (threadId: string): Promise<ThreadRow> =>
      db.selectFrom('threads').selectAll().where('thread_id', '=', threadId)
        .executeTakeFirstOrThrow(() => new AppError('NOT_FOUND', `unknown thread ${threadId}`)),

    listThreads: (limit = 100): Promise<ThreadRow[]> =>
      db.selectFrom('threads').selectAll().orderBy('updated_at', 'desc').limit(limit).execute(),

    async setThreadStatus(threadId: string, status: string): Promise<void> {
      await db.updateTable('threads').set({ status, updated_at: now() }).where('thread_id', '=', threadId).execute()
    },

    async insertRun(run: { run_id: string; thread_id: string; graph: string; kind: RunKind; payload: unknown; pid: number }): Promise<void> {
      await db.insertInto('runs').values({ ...run, status: 'running', payload: JSON.stringify(run.payload ?? null), error: null }).execute()
    },

    async finishRun(runId: string, status: RunStatus, error: string | null = null): Promise<void> {
      await db.updateTable('runs').set({ status, error, updated_at: now() }).where('run_id', '=', runId).execute()
    },

    getRun: (runId: string): Promise<RunRow> =>
      db.selectFrom('runs').selectAll().where('run_id', '=', runId)
        .executeTakeFirstOrThrow(() => new AppError('NOT_FOUND', `unknown run ${runId}`)),

    listRuns: (threadId: string): Promise<RunRow[]> =>
      db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).orderBy('created_at').execute(),

    runningRuns: (threadId: string): Promise<RunRow[]> =>
      db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).where('status', '=', 'running').execute(),

    /** Flags every running run of the thread; the process running it sees the flag and aborts. */
    async requestCancel(threadId: string): Promise<number> {
      const r = await db.updateTable('runs').set({ cancel_requested: 1, updated_at: now() })
        .where('thread_id', '=', threadId).where('status', '=', 'running').executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    async isCancelRequested(runId: string): Promise<boolean> {
      const r = await db.selectFrom('runs').select('cancel_requested').where('run_id', '=', runId).executeTakeFirst()
      return r?.cancel_requested === 1
    },

    async appendEvent(runId: string, seq: number, event: string, data: unknown): Promise<void> {
      await db.insertInto('run_events').values({ run_id: runId, seq, event, data: JSON.stringify(data) }).execute()
    },

    async listEvents(runId: string, afterSeq = -1): Promise<{ seq: number; event: string; data: unknown }[]> {
      const rows = await db.selectFrom('run_events').select(['seq', 'event', 'data'])
        .where('run_id', '=', runId).where('seq', '>', afterSeq).orderBy('seq').execute()
      return rows.map((r) => ({ seq: r.seq, event: r.event, data: JSON.parse(r.data) as unknown }))
    },
  }
}
export type RunRepo = ReturnType<typeof createRunRepo>
