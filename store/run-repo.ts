import type { Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { sql } from 'kysely'
import type { Insertable } from 'kysely'
import type { RunKind, RunRow, RunStatus, RunTable, ThreadRow } from './run-schema.js'
import type { DB } from './schema.js'
import { currentTenant, writeTenant } from './tenant-scope.js'
import { dialectOf } from './dialect.js'
import { ONE_RUNNING_PER_THREAD } from './migrations/019-run-one-per-thread.js'

const now = () => new Date().toISOString()

/** Who claims a run: its process (pid, shown to operators), its worker id, and how long the claim holds without a heartbeat. */
export interface Claimant { pid: number; workerId: string; leaseMs: number }

/** A running run's claim, as the sweeper reads it. */
export interface RunClaim { run_id: string; worker_id: string | null; pid: number | null; lease_expires_at: string | null }

const leaseUntil = (c: Claimant) => new Date(Date.now() + c.leaseMs).toISOString()

/**
 * What claiming a run sets: running by this worker until its lease expires, one more attempt, and on the
 * first attempt the thread's head checkpoint as the run's start (where a rollback returns to and how a
 * retried run tells whether it got anywhere), in the same statement.
 */
const claimed = (c: Claimant) => ({
  status: 'running' as const,
  pid: c.pid,
  worker_id: c.workerId,
  lease_expires_at: leaseUntil(c),
  attempt: sql<number>`attempt + 1`,
  start_checkpoint_id: sql<string | null>`case when attempt = 0 then (select c.checkpoint_id from checkpoints c
    where c.thread_id = runs.thread_id and c.checkpoint_ns = '' order by c.checkpoint_id desc limit 1)
    else start_checkpoint_id end`,
})

/**
 * Whether `e` is the database refusing a second running run on a thread (the partial unique index of
 * migration 019): another worker claimed a run of the same thread in the same instant.
 */
export function isOneRunningViolation(e: unknown): boolean {
  const x = e as { code?: unknown; constraint?: unknown; message?: unknown }
  if (x?.code === '23505') return x.constraint === ONE_RUNNING_PER_THREAD
  return x?.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof x.message === 'string' && x.message.includes('runs.thread_id')
}

/** Runs a claim; a claim the one-running-per-thread index refused claimed nothing. */
async function unlessRefused<T>(claim: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await claim()
  } catch (e) {
    if (isOneRunningViolation(e)) return undefined
    throw e
  }
}

/** How often a claim the index refused is tried again before reporting nothing claimable (the queue looks again on its next wake). */
const CLAIM_TRIES = 4

/** What putting a run back in the queue clears. */
const unclaimed = () => ({ status: 'pending' as const, pid: null, worker_id: null, lease_expires_at: null, updated_at: now() })

/** A run as its creator describes it (the repo fills in status, claim, ordinal). */
export type NewRunRow = Omit<Insertable<RunTable>, 'status' | 'error' | 'pid' | 'ordinal' | 'worker_id' | 'lease_expires_at'> & { kind: RunKind }

/** The row a new run is inserted with: pending, or claimed by `claimBy`; numbered after its thread's runs. */
function runValues(run: NewRunRow, claimBy?: Claimant) {
  const ordinal = sql<number>`(select coalesce(max(r.ordinal), 0) + 1 from runs r where r.thread_id = ${run.thread_id})`
  const claim = claimBy === undefined ? { status: 'pending' as const, pid: null } : {
    status: 'running' as const, pid: claimBy.pid, worker_id: claimBy.workerId, lease_expires_at: leaseUntil(claimBy), attempt: 1,
    start_checkpoint_id: sql<string | null>`(select c.checkpoint_id from checkpoints c where c.thread_id = ${run.thread_id}
      and c.checkpoint_ns = '' order by c.checkpoint_id desc limit 1)`,
  }
  return { ...run, ...claim, error: null, ordinal }
}

/** Threads, runs (the queue) and the per-run event log. Takes a db or a transaction, never opens one; threads a run creates get `threadTtlMinutes`. */
export function createRunRepo(db: Kysely<DB>, o: { threadTtlMinutes?: number } = {}) {
  const isSqlite = dialectOf(db) === 'sqlite'
  const threadsInScope = () => {
    const t = currentTenant()
    return t === undefined ? db.selectFrom('threads') : db.selectFrom('threads').where('tenant', '=', t)
  }
  /**
   * Queues a run as {@link createRun} does; with `unlessInflight`, only if the thread has no pending or
   * running run other than those ids (the ones the caller has just cancelled), checked and inserted
   * atomically across processes: undefined when another run got there first (the caller looks again).
   * SQLite: one INSERT … SELECT … WHERE NOT EXISTS, atomic under the file's write lock, so it still shares
   * a group commit. Postgres: a transaction that locks the thread's row first (`FOR UPDATE`), so the
   * runs of one thread are queued one at a time (their ordinals too) whichever process queues them.
   * A run inserted running next to another running run of its thread is refused: CONFLICT.
   */
  async function queueRun(run: NewRunRow, o: { claimBy?: Claimant; unlessInflight?: readonly string[] } = {}): Promise<RunRow | undefined> {
    const values = runValues(run, o.claimBy)
    const busy = (q: Kysely<DB>) => q.selectFrom('runs as i').select('i.run_id').where('i.thread_id', '=', run.thread_id)
      .where('i.status', 'in', ['pending', 'running'])
      .$call((b) => (o.unlessInflight && o.unlessInflight.length > 0 ? b.where('i.run_id', 'not in', [...o.unlessInflight]) : b))
    const insert = async (q: Kysely<DB>): Promise<RunRow | undefined> => {
      if (o.unlessInflight === undefined) return q.insertInto('runs').values(values).returningAll().executeTakeFirstOrThrow()
      const cols = Object.keys(values).filter((k) => (values as Record<string, unknown>)[k] !== undefined) as (keyof RunTable)[]
      return q.insertInto('runs').columns(cols)
        .expression(q.selectNoFrom(cols.map((k) => sql`${(values as Record<string, unknown>)[k]}`.as(k)))
          .where(({ not, exists }) => not(exists(busy(q)))))
        .returningAll().executeTakeFirst()
    }
    try {
      if (dialectOf(db) === 'sqlite') return await insert(db)
      const locked = async (trx: Kysely<DB>) => {
        await trx.selectFrom('threads').select('thread_id').where('thread_id', '=', run.thread_id).forUpdate().execute()
        if (o.unlessInflight !== undefined && (await busy(trx).limit(1).executeTakeFirst()) !== undefined) return undefined
        return trx.insertInto('runs').values(values).returningAll().executeTakeFirstOrThrow()
      }
      return await (db.isTransaction ? locked(db) : db.transaction().execute(locked))
    } catch (e) {
      if (isOneRunningViolation(e)) throw new AppError('CONFLICT', `thread ${run.thread_id} is already running a run`, { cause: e })
      throw e
    }
  }
  return {
    /**
     * The thread a run goes on, bound to `graph`: created when missing (unless `create` is false:
     * NOT_FOUND), bound to the graph on its first run, CONFLICT when it belongs to another graph.
     * One select for an existing thread, an insert for a new one. Binding a thread to its graph is a
     * write the caller may await together with its own next ones (`binding`), so they share a commit.
     */
    async ensureThread(threadId: string, graph: string, create = true): Promise<{ binding?: Promise<unknown> }> {
      const read = () => threadsInScope().select(['graph']).where('thread_id', '=', threadId).executeTakeFirst()
      let t = await read()
      if (!t) {
        if (!create) throw new AppError('NOT_FOUND', `unknown thread ${threadId}`)
        const r = await db.insertInto('threads').values({ thread_id: threadId, tenant: writeTenant(), graph, ttl_minutes: o.threadTtlMinutes ?? null })
          .onConflict((oc) => oc.column('thread_id').doNothing()).executeTakeFirst()
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return {}
        // another request (or process) created it in the meantime; or the id is taken by a thread this caller cannot see (another tenant's)
        t = await read()
        if (!t) throw new AppError('NOT_FOUND', `unknown thread ${threadId}`)
      }
      if (t.graph !== null && t.graph !== graph) {
        throw new AppError('CONFLICT', `thread ${threadId} belongs to graph "${t.graph}", not "${graph}"`)
      }
      // a thread created without a graph (e.g. over HTTP) is bound to the graph of its first run
      return t.graph === null ? { binding: db.updateTable('threads').set({ graph, updated_at: now() }).where('thread_id', '=', threadId).execute() } : {}
    },

    getThread: (threadId: string): Promise<ThreadRow> =>
      threadsInScope().selectAll().where('thread_id', '=', threadId)
        .executeTakeFirstOrThrow(() => new AppError('NOT_FOUND', `unknown thread ${threadId}`)),

    listThreads: (limit = 100): Promise<ThreadRow[]> =>
      threadsInScope().selectAll().orderBy('updated_at', 'desc').limit(limit).execute(),

    /** Sets a thread's status; with `owner`, only while that worker still holds that run (a worker that lost its lease writes nothing). */
    async setThreadStatus(threadId: string, status: string, owner?: { runId: string; workerId: string }): Promise<void> {
      let q = db.updateTable('threads').set({ status, updated_at: now() }).where('thread_id', '=', threadId)
      if (owner) q = q.where(({ exists, selectFrom }) => exists(selectFrom('runs').select('runs.run_id').where('runs.run_id', '=', owner.runId).where('runs.worker_id', '=', owner.workerId)))
      await q.execute()
    },

    /**
     * Queues a run (status pending), numbered after the thread's other runs in the same statement. With
     * `claimBy` the run is inserted already claimed by that worker — running, first attempt, started from
     * the thread's head — so no run queue (of any process) can take it while its lease is renewed.
     */
    async createRun(run: NewRunRow, claimBy?: Claimant): Promise<RunRow> {
      return (await queueRun(run, { claimBy }))!
    },

    queueRun,

    /**
     * Settles a run; returns its row as stored (undefined when it is gone, or, with `owner`, when that
     * worker no longer holds it: its lease ran out and the run was requeued, so the settle is not its to write).
     */
    finishRun: (runId: string, status: RunStatus, error: string | null = null, owner?: string): Promise<RunRow | undefined> => {
      let q = db.updateTable('runs').set({ status, error, lease_expires_at: null, updated_at: now() }).where('run_id', '=', runId)
      if (owner !== undefined) q = q.where('worker_id', '=', owner).where('status', '=', 'running')
      return q.returningAll().executeTakeFirst()
    },

    /** The id of the thread's latest root checkpoint, read without loading it. */
    async headCheckpointId(threadId: string): Promise<string | undefined> {
      const r = await db.selectFrom('checkpoints').select('checkpoint_id').where('thread_id', '=', threadId)
        .where('checkpoint_ns', '=', '').orderBy('checkpoint_id', 'desc').limit(1).executeTakeFirst()
      return r?.checkpoint_id
    },

    /**
     * Claims the oldest runnable pending run: due, and its thread has no running run (runs of a
     * thread never overlap). One UPDATE, so two workers can never claim the same run. On Postgres the
     * pick is `FOR UPDATE SKIP LOCKED`: concurrent claimers take different runs instead of queueing
     * on one; two of them picking two runs of one thread at once is refused by the one-running-per-thread
     * index, and the refused one picks again (its next pick sees the other's run running).
     */
    async claimNext(by: Claimant): Promise<RunRow | undefined> {
      const pg = dialectOf(db) === 'postgres'
      for (let i = 0; i < CLAIM_TRIES; i++) {
        const t = now()
        let refused = false
        const run = await unlessRefused(async () => {
          try {
            return await db.updateTable('runs')
              .set({ ...claimed(by), updated_at: t })
              .where('status', '=', 'pending')
              .where('run_id', '=', (eb) => eb.selectFrom('runs as r').select('r.run_id')
                .where('r.status', '=', 'pending')
                .where((w) => w.or([w('r.available_at', 'is', null), w('r.available_at', '<=', t)]))
                .where(({ not, exists, selectFrom }) => not(exists(selectFrom('runs as x').select('x.run_id')
                  .whereRef('x.thread_id', '=', 'r.thread_id').where('x.status', '=', 'running'))))
                .orderBy('r.created_at').orderBy(sql`r.rowid`).limit(1)
                .$call((q) => (pg ? q.forUpdate().skipLocked() : q)))
              .returningAll().executeTakeFirst()
          } catch (e) {
            refused = isOneRunningViolation(e)
            throw e
          }
        })
        if (run || !refused) return run
      }
      return undefined
    },

    /** Claims one given pending run, if its thread is free (the CLI runs exactly its own run). */
    claimRun: (runId: string, by: Claimant): Promise<RunRow | undefined> =>
      unlessRefused(() => db.updateTable('runs')
        .set({ ...claimed(by), updated_at: now() })
        .where('run_id', '=', runId).where('status', '=', 'pending')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('runs as x').select('x.run_id')
          .whereRef('x.thread_id', '=', 'runs.thread_id').where('x.status', '=', 'running'))))
        .returningAll().executeTakeFirst()),

    async hasPending(): Promise<boolean> {
      return (await db.selectFrom('runs').select('run_id').where('status', '=', 'pending').limit(1).executeTakeFirst()) !== undefined
    },

    /** When the next delayed run becomes due, if any. */
    async nextDueAt(): Promise<string | null> {
      const r = await db.selectFrom('runs').select((eb) => eb.fn.min('available_at').as('at'))
        .where('status', '=', 'pending').where('available_at', '>', now()).executeTakeFirst()
      return (r?.at as string | null | undefined) ?? null
    },

    inflightRuns: (threadId: string): Promise<RunRow[]> =>
      db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).where('status', 'in', ['pending', 'running']).orderBy('created_at').execute(),

    /** Puts a run this worker was running back in the queue (a graceful shutdown): the next claim continues it. */
    async requeueRun(runId: string, owner?: string): Promise<void> {
      let q = db.updateTable('runs').set(unclaimed()).where('run_id', '=', runId).where('status', '=', 'running')
      if (owner !== undefined) q = q.where('worker_id', '=', owner)
      await q.execute()
    },

    /** The claims of every running run (what the sweeper judges). */
    runningClaims: (): Promise<RunClaim[]> =>
      db.selectFrom('runs').select(['run_id', 'worker_id', 'pid', 'lease_expires_at']).where('status', '=', 'running').execute(),

    /**
     * Requeues a running run if it is still held by the claim the sweeper judged dead (compare-and-set on
     * its worker and lease, so of several sweepers one wins, and a renewed lease is never taken). True when requeued.
     */
    async requeueClaim(c: RunClaim): Promise<boolean> {
      let q = db.updateTable('runs').set(unclaimed()).where('run_id', '=', c.run_id).where('status', '=', 'running')
      q = c.worker_id === null ? q.where('worker_id', 'is', null) : q.where('worker_id', '=', c.worker_id)
      q = c.lease_expires_at === null ? q.where('lease_expires_at', 'is', null) : q.where('lease_expires_at', '=', c.lease_expires_at)
      return Number((await q.executeTakeFirst()).numUpdatedRows) > 0
    },

    /**
     * Extends the leases of the runs this worker executes (the heartbeat); answers the ones it still
     * holds, with their cancel flags. A run missing from the answer was taken from it (lease expired).
     */
    async renewLeases(workerId: string, runIds: string[], leaseMs: number): Promise<{ run_id: string; cancel_requested: number }[]> {
      if (runIds.length === 0) return []
      return db.updateTable('runs').set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
        .where('worker_id', '=', workerId).where('status', '=', 'running').where('run_id', 'in', runIds)
        .returning(['run_id', 'cancel_requested']).execute()
    },

    /** The cancel flags of some runs (0 none, 1 interrupt, 2 rollback), read without writing. */
    cancelFlags: (runIds: string[]): Promise<{ run_id: string; cancel_requested: number }[]> =>
      runIds.length === 0 ? Promise.resolve([]) : db.selectFrom('runs').select(['run_id', 'cancel_requested']).where('run_id', 'in', runIds).where('cancel_requested', '>', 0).execute(),

    /** Removes only the thread row (a stateless run keeps its own record). */
    async deleteThreadRow(threadId: string): Promise<void> {
      await db.deleteFrom('threads').where('thread_id', '=', threadId).execute()
    },

    /** `payload` holds the final values of a stateless run, whose thread is deleted. */
    async setPayload(runId: string, json: string): Promise<void> {
      await db.updateTable('runs').set({ payload: json }).where('run_id', '=', runId).execute()
    },

    async deleteRun(runId: string): Promise<void> {
      await db.deleteFrom('run_events').where('run_id', '=', runId).execute()
      await db.deleteFrom('runs').where('run_id', '=', runId).execute()
    },

    async lastSeq(runId: string): Promise<number> {
      const r = await db.selectFrom('run_events').select((eb) => eb.fn.max('seq').as('m')).where('run_id', '=', runId).executeTakeFirst()
      return (r?.m as number | null | undefined) ?? -1
    },

    getRun: (runId: string): Promise<RunRow> =>
      db.selectFrom('runs').selectAll().where('run_id', '=', runId)
        .executeTakeFirstOrThrow(() => new AppError('NOT_FOUND', `unknown run ${runId}`)),

    listRuns: (threadId: string, o: { limit?: number; offset?: number; status?: string } = {}): Promise<RunRow[]> => {
      let q = db.selectFrom('runs').selectAll().where('thread_id', '=', threadId)
      if (o.status) q = q.where('status', '=', o.status as RunStatus)
      return q.orderBy('created_at', 'desc').orderBy(sql`rowid`, 'desc').limit(o.limit ?? 10).offset(o.offset ?? 0).execute()
    },

    /**
     * Runs of the caller's tenant (every tenant's outside a request) in `statuses`, optionally only of
     * one thread and among `runIds`: what a bulk cancel acts on.
     */
    runsInScope(f: { statuses?: RunStatus[]; threadId?: string; runIds?: string[] }): Promise<RunRow[]> {
      let q = db.selectFrom('runs').innerJoin('threads', 'threads.thread_id', 'runs.thread_id').selectAll('runs')
      const t = currentTenant()
      if (t !== undefined) q = q.where('threads.tenant', '=', t)
      if (f.statuses) q = q.where('runs.status', 'in', f.statuses)
      if (f.threadId !== undefined) q = q.where('runs.thread_id', '=', f.threadId)
      if (f.runIds !== undefined) q = q.where('runs.run_id', 'in', f.runIds.length ? f.runIds : [''])
      return q.orderBy('runs.created_at').execute()
    },

    runningRuns: (threadId: string): Promise<RunRow[]> =>
      db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).where('status', '=', 'running').execute(),

    /** Flags every running run of the thread (1 interrupt, 2 rollback); the worker running it sees the flag and aborts. */
    async requestCancel(threadId: string, action: 'interrupt' | 'rollback' = 'interrupt'): Promise<number> {
      const r = await db.updateTable('runs').set({ cancel_requested: action === 'rollback' ? 2 : 1, updated_at: now() })
        .where('thread_id', '=', threadId).where('status', '=', 'running').executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    /** A run's cancel flag: 0 none, 1 interrupt, 2 rollback. */
    async cancelRequested(runId: string): Promise<number> {
      const r = await db.selectFrom('runs').select('cancel_requested').where('run_id', '=', runId).executeTakeFirst()
      return r?.cancel_requested ?? 0
    },

    /** Appends one event; `data` is already JSON (serialized once, stored and sent as is). */
    async appendEvent(runId: string, seq: number, event: string, data: string): Promise<void> {
      await db.insertInto('run_events').values({ run_id: runId, seq, event, data }).execute()
    },

    /**
     * Appends one event only while `owner` holds the run (one statement): a worker that lost its lease
     * (stalled past it; the run was requeued and claimed again) cannot write into the new attempt's
     * seqs. False when it no longer holds it.
     */
    async appendOwnedEvent(runId: string, seq: number, event: string, data: string, owner: string): Promise<boolean> {
      const r = await sql`insert into run_events (run_id, seq, event, data) select ${runId}, cast(${seq} as integer), ${event}, ${data}
        where exists (select 1 from runs where run_id = ${runId} and worker_id = ${owner})`.execute(db)
      return Number(r.numAffectedRows ?? 0n) > 0
    },

    listEvents: (runId: string, afterSeq = -1): Promise<{ seq: number; event: string; data: string }[]> => {
      const read = (q: Kysely<DB>) => q.selectFrom('run_events').select(['seq', 'event', 'data'])
        .where('run_id', '=', runId).where('seq', '>', afterSeq).orderBy('seq').execute()
      // SQLite: a plain read on the shared connection also sees the writes of its open group commit, not yet
      // committed; a reader streaming those could hand out an event a crash then undoes (and its seq again).
      // A transaction commits the open group before it starts, so what the log read returns is durable.
      return isSqlite ? db.transaction().execute(read) : read(db)
    },
  }
}
export type RunRepo = ReturnType<typeof createRunRepo>
