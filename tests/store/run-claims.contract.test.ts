import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRun, type MultitaskStrategy } from '../../runtime/run-service.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { openStore, type OpenedDb } from '../../store/db.js'
import { createRunRepo, type Claimant, type RunRepo } from '../../store/run-repo.js'
import type { RunRow } from '../../store/run-schema.js'
import { openTempStore, query, testDialects, type TempStore } from './dialects.js'

// Run claims and multitask strategies with several claimers at once, each on its own connection (its own
// pg Pool, or its own SQLite connection to the file): what several worker and API processes do to one
// database. Written once, run on SQLite and on a Postgres schema of this file's own.
const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

const CLAIMERS = 5
const THREADS = 8
const RUNS_PER_THREAD = 6

const pause = () => new Promise<void>((r) => setTimeout(r, Math.floor(Math.random() * 4)))

describe.each(dialects)('run claims across connections on %s', (dialect) => {
  let temp: TempStore
  const others: OpenedDb[] = []
  const runtimes: Runtime[] = []
  beforeAll(async () => {
    temp = await openTempStore(dialect, 'claims')
    for (let i = 0; i < CLAIMERS; i++) others.push(await openStore(temp.target, { poolSize: 3 }))
    for (let i = 0; i < 3; i++) runtimes.push(await openRuntime({ dbPath: temp.target, env: { SWITCHYARD_MODEL: 'offline' } }))
  })
  afterAll(async () => {
    for (const rt of runtimes) await rt.close()
    for (const s of others) await s.close()
    await temp.cleanup()
  })

  /**
   * Claimers race until every run is settled; each checks, at the moment it holds a claim, that no other
   * claimer holds a run of the same thread (the entry is removed before the settle is written, so a
   * present entry is a real overlap). Answers the claims in the order they were made.
   */
  async function race(repos: RunRepo[], total: number, pick: (repo: RunRepo, me: Claimant, i: number) => Promise<RunRow | undefined>) {
    const holding = new Map<string, string>()
    const claims: { run: RunRow; by: string }[] = []
    const overlaps: string[] = []
    let settled = 0
    await Promise.all(repos.map(async (repo, i) => {
      const me: Claimant = { pid: 1000 + i, workerId: `claimer-${i}`, leaseMs: 60_000 }
      for (let idle = 0; settled < total;) {
        const run = await pick(repo, me, idle)
        if (!run) {
          if (++idle > 20_000) throw new Error(`claimer ${i} found nothing for too long (${settled}/${total} settled)`)
          await pause()
          continue
        }
        idle = 0
        const other = holding.get(run.thread_id)
        if (other !== undefined) overlaps.push(`${run.run_id} on ${run.thread_id} while ${other} runs`)
        holding.set(run.thread_id, run.run_id)
        claims.push({ run, by: me.workerId })
        await pause()
        holding.delete(run.thread_id)
        expect(await repo.finishRun(run.run_id, 'success', null, me.workerId)).toMatchObject({ status: 'success' })
        settled++
      }
    }))
    return { claims, overlaps }
  }

  async function queue(tag: string): Promise<RunRow[]> {
    const runs = createRunRepo(temp.store.db)
    const created: RunRow[] = []
    for (let t = 0; t < THREADS; t++) await runs.ensureThread(`${tag}-t${t}`, 'team')
    // interleaved across threads, so the oldest pending runs are on different threads
    for (let n = 0; n < RUNS_PER_THREAD; n++) {
      for (let t = 0; t < THREADS; t++) created.push(await runs.createRun({ run_id: `${tag}-t${t}-r${n}`, thread_id: `${tag}-t${t}`, graph: 'team', kind: 'input' }))
    }
    return created
  }

  it(`${CLAIMERS} claimers on their own connections: every run claimed exactly once, one run per thread at a time, a thread's runs in order`, async () => {
    const created = await queue('next')
    const repos = others.map((s) => createRunRepo(s.db))
    const { claims, overlaps } = await race(repos, created.length, (repo, me) => repo.claimNext(me))
    expect(overlaps).toEqual([])
    expect(claims.map((c) => c.run.run_id).sort()).toEqual(created.map((r) => r.run_id).sort())
    // more than one claimer did work (the race was a race)
    expect(new Set(claims.map((c) => c.by)).size).toBeGreaterThan(1)
    for (let t = 0; t < THREADS; t++) {
      const order = claims.filter((c) => c.run.thread_id === `next-t${t}`).map((c) => c.run.run_id)
      expect(order).toEqual(Array.from({ length: RUNS_PER_THREAD }, (_, n) => `next-t${t}-r${n}`))
    }
    const rows = await query<{ status: string; attempt: number; n: number }>(temp.store,
      "select status, attempt, count(*) as n from runs where run_id like 'next-%' group by status, attempt")
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([{ status: 'success', attempt: 1, n: created.length }])
  })

  it('claims by id (the CLI) mixed with claims of the oldest: still one run per thread, each claimed once', async () => {
    const created = await queue('mixed')
    const repos = others.map((s) => createRunRepo(s.db))
    const ids = created.map((r) => r.run_id)
    const { claims, overlaps } = await race(repos, created.length, (repo, me, idle) =>
      idle % 2 === 0 ? repo.claimRun(ids[Math.floor(Math.random() * ids.length)]!, me) : repo.claimNext(me))
    expect(overlaps).toEqual([])
    expect(claims.map((c) => c.run.run_id).sort()).toEqual([...ids].sort())
  })

  it('the database itself refuses a second running run on a thread', async () => {
    const runs = createRunRepo(temp.store.db)
    await runs.ensureThread('guard', 'team')
    const me: Claimant = { pid: 1, workerId: 'g', leaseMs: 60_000 }
    await runs.createRun({ run_id: 'guard-1', thread_id: 'guard', graph: 'team', kind: 'input' }, me)
    // inserted running beside a running run (no strategy in front of it): CONFLICT, nothing stored
    await expect(runs.createRun({ run_id: 'guard-2', thread_id: 'guard', graph: 'team', kind: 'input' }, me)).rejects.toMatchObject({ code: 'CONFLICT' })
    // set running by hand: the index says no
    await runs.createRun({ run_id: 'guard-3', thread_id: 'guard', graph: 'team', kind: 'input' })
    await expect(query(temp.store, "update runs set status = 'running' where run_id = 'guard-3'")).rejects.toThrow()
    expect(await runs.claimRun('guard-3', me)).toBeUndefined()
    expect((await runs.inflightRuns('guard')).map((r) => [r.run_id, r.status])).toEqual([['guard-1', 'running'], ['guard-3', 'pending']])
  })

  describe('multitask strategies hold with several runtimes queueing on one thread at once', () => {
    /** Two runs queued at once by each runtime on `threadId` with `strategy`. */
    const burst = (threadId: string, strategy: MultitaskStrategy) => Promise.allSettled(runtimes.flatMap((rt, i) => [0, 1].map((n) =>
      createRun(rt, { threadId, graph: 'team', kind: 'input', kwargs: { input: { task: `${i}.${n}` }, stream_mode: ['values'] }, multitaskStrategy: strategy }))))
    const fulfilled = (r: PromiseSettledResult<RunRow>[]) => r.flatMap((x) => (x.status === 'fulfilled' ? [x.value] : []))
    const rejected = (r: PromiseSettledResult<RunRow>[]) => r.flatMap((x) => (x.status === 'rejected' ? [x.reason as { code?: string }] : []))
    const runsOf = async (threadId: string) => (await temp.store.db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).orderBy('ordinal').execute())
    /** A thread whose one run is running, claimed by a worker that is not any of the runtimes (another process). */
    const busyThread = async (threadId: string) => {
      const repo = createRunRepo(others[0]!.db)
      await repo.ensureThread(threadId, 'team')
      const run = await repo.createRun({ run_id: `${threadId}-running`, thread_id: threadId, graph: 'team', kind: 'input' }, { pid: 1, workerId: 'elsewhere/1/x', leaseMs: 60_000 })
      // as if it started from a checkpoint (a rollback returns there; without one it deletes the thread's
      // checkpoints, a transaction: several SQLite connections in one process, as here, would wait on each
      // other's write lock inside SQLite's busy handler, which separate processes do not)
      await others[0]!.db.updateTable('runs').set({ start_checkpoint_id: 'cp-start' }).where('run_id', '=', run.run_id).execute()
      return run
    }

    it('reject: of six at once on a free thread exactly one is queued, five are CONFLICT', async () => {
      const r = await burst('mt-reject', 'reject')
      expect(fulfilled(r)).toHaveLength(1)
      expect(rejected(r).map((e) => e.code)).toEqual(Array(5).fill('CONFLICT'))
      expect((await runsOf('mt-reject')).map((x) => x.status)).toEqual(['pending'])
    })

    it('enqueue: all six are queued, numbered 1…6 with no duplicate', async () => {
      const r = await burst('mt-enqueue', 'enqueue')
      expect(rejected(r)).toEqual([])
      expect((await runsOf('mt-enqueue')).map((x) => [x.ordinal, x.status])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 'pending']))
    })

    it('interrupt: the running run is flagged, every other new run but one is interrupted before it starts, one stays queued', async () => {
      const running = await busyThread('mt-interrupt')
      const r = await burst('mt-interrupt', 'interrupt')
      expect(rejected(r)).toEqual([])
      const rows = await runsOf('mt-interrupt')
      expect(rows.find((x) => x.run_id === running.run_id)).toMatchObject({ status: 'running', cancel_requested: 1 })
      const fresh = rows.filter((x) => x.run_id !== running.run_id)
      expect(fresh).toHaveLength(6)
      expect(fresh.filter((x) => x.status === 'pending')).toHaveLength(1)
      expect(fresh.filter((x) => x.status === 'interrupted')).toHaveLength(5)
    })

    it('rollback: the running run is flagged for rollback, the other new runs are deleted, one stays queued', async () => {
      const running = await busyThread('mt-rollback')
      const r = await burst('mt-rollback', 'rollback')
      expect(rejected(r)).toEqual([])
      const rows = await runsOf('mt-rollback')
      expect(rows.find((x) => x.run_id === running.run_id)).toMatchObject({ status: 'running', cancel_requested: 2 })
      const fresh = rows.filter((x) => x.run_id !== running.run_id)
      expect(fresh.map((x) => x.status)).toEqual(['pending'])
      // it goes back to where the rolled-back run started
      expect(JSON.parse(fresh[0]!.kwargs)).toMatchObject({ checkpoint_id: 'cp-start' })
    })
  })
})
