import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type OpenedDb } from '../../store/db.js'
import { isTransient as transient, prng, spawnServe, spawnWorker, stopChild } from '../cli/cli-harness.js'
import { testRedisUrl, uniquePrefix } from '../runtime/redis-helper.js'
import { tempTarget, testPgUrl } from '../store/dialects.js'

/**
 * Issue 14 §5, chaos: 3 `switchyard worker` processes and 2 API processes (`serve --workers 0`) on
 * Postgres (a fresh schema) + Redis (REDIS_URL, a channel prefix of this file's own), CHAOS_RUNS
 * (default 200) runs of a workflow whose steps log their side effects, CHAOS_KILLS (default 6) worker
 * SIGKILLs, each at a seeded random point of the cluster's progress (CHAOS_SEED) and aimed at a worker
 * holding runs at that moment, restarted at once. Each run is created through one API process and
 * streamed through the other. CHAOS_ENGINE=sqlite runs the same on one SQLite file (no Redis) instead;
 * without a Postgres (and not under CI=1) it falls back to SQLite.
 */
const RUNS = Number(process.env.CHAOS_RUNS ?? 200)
const KILLS = Number(process.env.CHAOS_KILLS ?? 6)
const SEED = Number(process.env.CHAOS_SEED ?? 14)
const SLOTS = 4
const pgUrl = await testPgUrl()
const ENGINE = process.env.CHAOS_ENGINE === 'sqlite' || !pgUrl ? 'sqlite' : 'postgres'
const redisUrl = ENGINE === 'postgres' ? await testRedisUrl() : undefined

type Ev = { id?: string; event: string; data: unknown }

const SIDE = (unit: string) => `"echo start {{ inputs.tag }} ${unit} >> {{ inputs.log }}; sleep 0.1; echo end {{ inputs.tag }} ${unit} >> {{ inputs.log }}"`
const WORKFLOW = `name: effects
inputs:
  tag: { type: string, required: true }
  log: { type: string, required: true }
steps:
  - id: prep
    type: shell
    with: { shell: true, run: ${SIDE('prep')} }
  - id: mid
    type: shell
    needs: prep
    with: { shell: true, run: ${SIDE('mid')} }
  - id: fin
    type: shell
    needs: mid
    with: { shell: true, run: ${SIDE('fin')} }
`

describe(`chaos on ${ENGINE === 'postgres' ? `Postgres + ${redisUrl ? 'Redis' : 'LISTEN/NOTIFY (no Redis answers)'}` : 'SQLite'}: workers SIGKILLed at random while two API processes queue and stream ${RUNS} runs`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-chaos-'))
  const wf = join(dir, 'workflows')
  mkdirSync(wf)
  writeFileSync(join(wf, 'effects.yaml'), WORKFLOW)
  const log = join(dir, 'effects.log')
  // a lease long enough that a loaded machine's stalls do not expire live claims; a killed worker's runs
  // are taken over sooner anyway (its pid is gone: the next sweep, every half lease)
  const env: Record<string, string> = { SWITCHYARD_LEASE_MS: '5000', SWITCHYARD_LOG_LEVEL: 'info' }
  if (redisUrl) Object.assign(env, { REDIS_URL: redisUrl, SWITCHYARD_REDIS_PREFIX: uniquePrefix('chaos') })
  let args: string[] = []
  let target = ''
  let remove = async () => undefined as void
  let store: OpenedDb | undefined
  beforeAll(async () => {
    const t = await tempTarget(ENGINE, 'chaos')
    target = t.target
    remove = t.remove
    args = [ENGINE === 'postgres' ? '--database-url' : '--db', target, '--workflows', wf]
  })
  afterAll(async () => {
    await store?.close()
    await remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it(`${RUNS} runs each settle exactly once; finished steps never run again; the ${KILLS} kills land while runs are in flight; every stream read through the other API process is complete and in order`, async () => {
    const rand = prng(SEED)
    const started = Date.now()
    const apis = [spawnServe(args, env, ['--workers', '0']), spawnServe(args, env, ['--workers', '0'])]
    const apiErr = ['', '']
    apis.forEach((a, i) => {
      a.child.stderr?.on('data', (d: Buffer) => { apiErr[i] += d.toString() })
      a.child.stdout?.on('data', (d: Buffer) => { for (const l of d.toString().split('\n')) if (/"level":(50|60)/.test(l)) apiErr[i] += `${l}\n` })
      a.child.once('exit', (code, sig) => { apiErr[i] += `exited ${code ?? sig}\n` })
    })
    const clients = await Promise.all(apis.map(async (a) => new Client({ apiUrl: await a.url, apiKey: null })))
    // every worker's log (its pino lines) is kept: each run's "run finished" line is its one settle
    const settles: string[] = []
    const takenOver = new Set<string>()
    const workers: { child: ChildProcess; id?: string }[] = []
    const startWorker = async (i: number) => {
      const w = spawnWorker(args, env, ['--concurrency', String(SLOTS)])
      let buf = ''
      // pino writes to stderr
      w.child.stderr?.on('data', (d: Buffer) => {
        buf += d.toString()
        const lines = buf.split('\n')
        buf = lines.pop()!
        for (const l of lines) {
          if (l.includes('"run finished"')) settles.push((JSON.parse(l) as { run_id: string }).run_id)
          // a live worker that stalled past its lease (load 10+): its run went to another worker mid-step
          if (l.includes('"run taken over')) takenOver.add((JSON.parse(l) as { run_id: string }).run_id)
        }
      })
      const slot: { child: ChildProcess; id?: string } = { child: w.child }
      workers[i] = slot
      slot.id = await w.ready
    }
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [])
    const marks: number[] = []
    // loopback connections dropped under load (fetch failed) are retried and counted
    let retries = 0
    const retried = async <T>(fn: () => Promise<T>): Promise<T> => {
      for (let n = 0; ; n++) {
        try {
          return await fn()
        } catch (e) {
          // SQLite: a 503 BUSY (five processes on one write lock at load 10+ can outwait the busy timeout)
          if (!(transient(e) || /database is busy|BUSY/.test(String(e))) || n > 20) throw e
          retries++
          await new Promise((r) => setTimeout(r, 100))
        }
      }
    }
    try {
      await Promise.all([0, 1, 2].map(startWorker))
      // queued BATCH at a time (a client pool's pace), one call each (the run creates its thread). SQLite: 20,
      // five processes share one write lock and a burst of hundreds of writers can outwait its busy timeout
      // on a loaded machine (then a 503 BUSY, retried)
      const BATCH = ENGINE === 'postgres' ? 50 : 20
      const jobs: { i: number; thread: string; run: string }[] = []
      for (let b = 0; b < RUNS; b += BATCH) {
        jobs.push(...await Promise.all(Array.from({ length: Math.min(BATCH, RUNS - b) }, async (_, x) => {
          const i = b + x
          const via = clients[i % 2]!
          const threadId = randomUUID()
          let sent = false
          const run = await retried(async () => {
            // a create whose answer was lost is not sent twice: the thread's run list says whether it landed
            if (sent) {
              const prior = await via.runs.list(threadId).catch((e: unknown) => { if ((e as { status?: number }).status === 404) return []; throw e })
              if (prior[0]) return prior[0]
            }
            sent = true
            return via.runs.create(threadId, 'effects', { input: { tag: `r${i}`, log }, streamMode: ['updates', 'tasks'], streamResumable: true, ifNotExists: 'create' })
          })
          return { i, thread: threadId, run: run.run_id }
        })))
      }
      const queued = Date.now()
      // each run's stream is read through the API process that did not create it
      // a dropped connection (200 streams on a loaded machine) is picked up with Last-Event-ID, as SSE clients do
      let reconnects = 0
      const readers = jobs.map(async (j) => {
        const evs: Ev[] = []
        const reader = clients[(j.i + 1) % 2]!
        for (;;) {
          try {
            for await (const e of reader.runs.joinStream(j.thread, j.run, { lastEventId: evs.at(-1)?.id ?? '-1' }) as AsyncIterable<Ev>) evs.push(e)
            const status = (await reader.runs.get(j.thread, j.run)).status
            if (status !== 'pending' && status !== 'running') {
              for await (const e of reader.runs.joinStream(j.thread, j.run, { lastEventId: evs.at(-1)?.id ?? '-1' }) as AsyncIterable<Ev>) evs.push(e)
              return evs
            }
          } catch (e) {
            if (!transient(e)) throw e
            reconnects++
            await new Promise((r) => setTimeout(r, 50))
          }
        }
      })
      let done = 0
      for (const r of readers) void r.then(() => { done++ }, () => undefined)
      // the kills: at seeded points of the cluster's progress (runs settled), spread over 10–85 % of the
      // runs so that runs are always in flight, a worker that holds running runs at that moment (read
      // from the store) is SIGKILLed and restarted at once; the next kill waits for its point
      store = await openStore(target, { migrate: false, poolSize: 2 })
      const points = Array.from({ length: KILLS }, () => Math.floor(RUNS * (0.1 + 0.75 * rand()))).sort((a, b) => a - b)
      const held: number[] = []
      const killedIds: string[] = []
      const restartFailures: string[] = []
      for (const point of points) {
        while (settles.length < point && done < RUNS) await new Promise((r) => setTimeout(r, 50))
        if (done >= RUNS) break
        // a ready worker that holds runs now (all three are busy but for the instants between two claims)
        let victim: number | undefined
        let holds = 0
        for (const end = Date.now() + 30_000; victim === undefined && Date.now() < end;) {
          const running = await store.db.selectFrom('runs').select('worker_id').where('status', '=', 'running').execute()
          const busy = [0, 1, 2].filter((i) => workers[i]?.id !== undefined && running.some((r) => r.worker_id === workers[i]!.id))
          if (busy.length > 0) {
            victim = busy[Math.floor(rand() * busy.length)]!
            holds = running.filter((r) => r.worker_id === workers[victim!]!.id).length
          } else await new Promise((r) => setTimeout(r, 20))
        }
        if (victim === undefined) break
        const w = workers[victim]!
        const closed = new Promise((r) => w.child.once('close', r))
        w.child.kill('SIGKILL')
        await closed
        marks.push(lines().length)
        held.push(holds)
        killedIds.push(w.id!)
        // restarted without waiting: the others go on meanwhile (a restart still starting when the test ends
        // is stopped by it: its start-up then fails, which is no finding)
        void startWorker(victim).catch((e: unknown) => { restartFailures.push(String(e).slice(0, 200)) })
      }
      const streams = await Promise.all(readers)
      const streamed = Date.now()
      let reruns = 0
      // each run's log of record (the store's run_events), and every run's row, to check against: a live
      // stream must be that log, event for event, in order
      const replays: Ev[][] = jobs.map(() => [])
      const at = new Map(jobs.map((j, n) => [j.run, n]))
      for (let b = 0; b < jobs.length; b += 50) {
        const logged = await store.db.selectFrom('run_events').select(['run_id', 'seq', 'event', 'data'])
          .where('run_id', 'in', jobs.slice(b, b + 50).map((j) => j.run)).orderBy('run_id').orderBy('seq').execute()
        for (const e of logged) replays[at.get(e.run_id)!]!.push({ id: String(e.seq), event: e.event, data: JSON.parse(e.data) as unknown })
      }
      const rows = new Map((await store.db.selectFrom('runs').select(['run_id', 'status', 'worker_id', 'attempt']).execute()).map((r) => [r.run_id, r]))
      for (const [n, j] of jobs.entries()) {
        const all = replays[n]!
        expect(rows.get(j.run)?.status, `run ${j.i}: ${JSON.stringify(all.filter((e) => e.event === 'error' || e.event === 'metadata'))}`).toBe('success')
        // the live reader, through the other process, saw every event once, in order
        expect(streams[n]!.map((e) => e.id)).toEqual(all.map((_, x) => String(x)))
        expect(streams[n]).toEqual(all)
        // a step task that finished never starts again
        const finished = new Set<string>()
        for (const e of all.filter((x) => x.event === 'tasks')) {
          const task = e.data as { id: string; name: string; result?: unknown; error?: unknown }
          if ('result' in task || 'error' in task) finished.add(task.id)
          else expect(finished.has(task.id), `r${j.i} ${task.name} started again after it finished`).toBe(false)
        }
      }
      // every run settled exactly once, cluster-wide
      const counts = new Map<string, number>()
      for (const id of settles) counts.set(id, (counts.get(id) ?? 0) + 1)
      // (a run whose "run finished" line is missing was settled by a worker killed before pino flushed it:
      // its row names that worker; a second line would be a second settle)
      expect(jobs.filter((j) => (counts.get(j.run) ?? 0) > 1 || (counts.get(j.run) === undefined && !killedIds.includes(rows.get(j.run)?.worker_id ?? '')))
        .map((j) => [j.i, counts.get(j.run) ?? 0, rows.get(j.run)?.worker_id])).toEqual([])
      const unlogged = jobs.filter((j) => counts.get(j.run) === undefined).length
      // side effects: a step starts again only across a kill (its first start before the kill, the next after)
      const firsts = new Map<string, number>()
      const rerunsOf = new Map<string, number>()
      lines().forEach((l, x) => {
        const [w, tag, unit] = l.split(' ')
        if (w !== 'start') return
        const key = `${tag} ${unit}`
        const first = firsts.get(key)
        if (first === undefined) { firsts.set(key, x); return }
        const job = jobs[Number(tag!.slice(1))]!
        expect(marks.some((m) => first < m && m <= x) || takenOver.has(job.run), `${key} ran again without a kill or takeover between`).toBe(true)
        reruns++
        rerunsOf.set(job.run, (rerunsOf.get(job.run) ?? 0) + 1)
      })
      // only the step in flight re-runs: a run re-ran at most one step per time it was taken from a worker
      // (its attempts after the first), and only a run that was taken over re-ran anything
      for (const [runId, n] of rerunsOf) expect(n, `run ${runId} re-ran ${n} steps in ${rows.get(runId)?.attempt} attempts`).toBeLessThanOrEqual((rows.get(runId)?.attempt ?? 1) - 1)
      expect(firsts.size).toBe(RUNS * 3)
      // only the steps in flight at a kill run again: at most one per run slot of the killed worker
      expect(reruns).toBeLessThanOrEqual(marks.length * SLOTS + takenOver.size)
      // every restart came up (the runs are all done by now, nothing has stopped them yet)
      for (const end = Date.now() + 60_000; workers.some((w) => w.id === undefined) && restartFailures.length === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 50))
      expect(restartFailures).toEqual([])
      // every planned kill landed, each on a worker that held runs when it died
      expect({ landed: marks.length, holding: held.filter((h) => h > 0).length }).toEqual({ landed: KILLS, holding: KILLS })
      console.log(`chaos on ${ENGINE}${redisUrl ? ' + redis' : ''}: ${RUNS} runs, ${marks.length}/${KILLS} worker kills landed (seed ${SEED}; runs held by the killed worker: ${held.join(', ')}), ${reruns} steps re-run (in flight at a kill), ${takenOver.size} live takeovers (lease outlived), ${reconnects} stream reconnects, ${retries} retried calls, ${unlogged} settles unlogged (worker killed before its log flushed); ${((queued - started) / 1000).toFixed(1)} s to queue, ${((streamed - started) / 1000).toFixed(1)} s to the last stream's end, ${((Date.now() - started) / 1000).toFixed(1)} s in all`)
    } catch (e) {
      throw new Error(`${String(e)} ${(e as Error).stack?.split("\n").filter((l) => l.includes("chaos.e2e")).join(" | ")}\napi 0: ${apiErr[0]!.slice(-3000)}\napi 1: ${apiErr[1]!.slice(-3000)}`, { cause: e })
    } finally {
      await Promise.all([...apis.map((a) => stopChild(a.child)), ...workers.map((w) => stopChild(w.child))])
    }
  }, 240_000)
})
