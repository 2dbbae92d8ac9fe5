import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { isTransient, killHard, prng, readRunStream, repeatedStarts, sideEffectLog, sideEffectWorkflow, spawnServe, tempDb, type StreamEvent as Ev } from '../cli/cli-harness.js'

/**
 * Issue 15 §3, crash: many runs of `team`, `sdlc` (gates answered as they come) and a YAML workflow with
 * side effects, while `switchyard serve` is SIGKILLed at seeded random moments and restarted. Knobs for
 * longer local runs: CRASH_RUNS (default 100), CRASH_KILLS (default 4), CRASH_SEED.
 */
const RUNS = Number(process.env.CRASH_RUNS ?? 100)
const KILLS = Number(process.env.CRASH_KILLS ?? 4)
const SEED = Number(process.env.CRASH_SEED ?? 15)

type Task = { id: string; name: string; result?: unknown; error?: unknown; interrupts?: unknown[] }

// every shell unit logs its start and end; the log is the side effect counted
const WORKFLOW = sideEffectWorkflow('effects', [{ id: 'prep', sleep: 0.05 }, { id: 'each', sleep: 0.05, forEach: [1, 2, 3] }, { id: 'fin', sleep: 0.05 }])

describe('serve SIGKILLed at random points while runs of every kind are in flight', () => {
  const t = tempDb()
  const wf = join(t.dir, 'workflows')
  mkdirSync(wf)
  writeFileSync(join(wf, 'effects.yaml'), WORKFLOW)
  const log = join(t.dir, 'effects.log')
  const effects = sideEffectLog(log)
  afterAll(() => t.cleanup())

  it(`${RUNS} runs all finish; finished nodes and steps never run again; SSE readers get every event once, in order`, async () => {
    const rand = prng(SEED)
    let server = spawnServe(['--db', t.db, '--workflows', wf], { SWITCHYARD_OFFLINE_DELAY_MS: '3' }, ['--concurrency', '10'])
    let client = new Client({ apiUrl: await server.url, apiKey: null, callerOptions: { maxRetries: 0 } })
    let up: Promise<void> = Promise.resolve()
    let progress: NodeJS.Timeout | undefined
    const logMarks: number[] = []
    const lines = effects.lines

    /** Calls the server; on a connection error (a kill) waits for the next server and tries again. */
    async function call<T>(fn: (c: Client) => Promise<T>): Promise<T> {
      for (let i = 0; ; i++) {
        await up
        try {
          return await fn(client)
        } catch (e) {
          if (!isTransient(e) || i > 200) throw e
          await new Promise((r) => setTimeout(r, 50))
        }
      }
    }

    try {
      // 1. the runs: a third each of team, sdlc and the workflow, each on its own thread
      const kinds = Array.from({ length: RUNS }, (_, i) => (['team', 'sdlc', 'effects'] as const)[i % 3]!)
      const jobs = await Promise.all(kinds.map(async (graph, i) => {
        const thread = await client.threads.create()
        const input = graph === 'effects' ? { tag: `r${i}`, log } : { task: `crash case ${i}` }
        const run = await client.runs.create(thread.thread_id, graph, { input, streamMode: ['updates', 'tasks'], streamResumable: true })
        return { graph, thread: thread.thread_id, runs: [run.run_id], read: [] as Ev[] }
      }))

      // 2. an SSE reader per first run: follows it across restarts with Last-Event-ID
      const readers = jobs.map(async (j) => {
        for (let finished = false; ;) {
          await up
          try {
            // a stream cut by a kill ends early or throws; a finished run's stream ends after its last event
            for await (const e of client.runs.joinStream(j.thread, j.runs[0]!, { lastEventId: j.read.at(-1)?.id ?? '-1' }) as AsyncIterable<Ev>) j.read.push(e)
            if (finished) return
            const status = (await client.runs.get(j.thread, j.runs[0]!)).status
            // read once more past the last id after the end: what a cut stream may have missed
            finished = status !== 'pending' && status !== 'running'
          } catch (e) {
            if (!isTransient(e)) throw e
          }
          if (!finished) await new Promise((r) => setTimeout(r, 20))
        }
      })

      // 3. drivers: wait for each run's end; answer sdlc gates with approve until the thread is done
      const drivers = jobs.map(async (j) => {
        for (;;) {
          const runs = await call((c) => c.runs.list(j.thread, { limit: 100 }))
          const active = runs.find((r) => r.status === 'pending' || r.status === 'running')
          if (active) {
            await call((c) => c.runs.join(j.thread, active.run_id)).catch((e: unknown) => { if (!isTransient(e)) throw e })
            continue
          }
          const th = await call((c) => c.threads.get(j.thread))
          if (th.status !== 'interrupted') return th.status
          // not retried blindly: after a kill the loop looks at the thread again before asking twice
          await up
          const r = await client.runs.create(j.thread, 'sdlc', { command: { resume: { action: 'approve' } }, streamMode: ['updates', 'tasks'], streamResumable: true })
            .catch((e: unknown) => { if (isTransient(e)) return undefined; throw e })
          if (r) j.runs.push(r.run_id)
        }
      })

      const debug: (m: string) => void = process.env.CRASH_DEBUG ? (m: string) => appendFileSync(process.env.CRASH_DEBUG!, `[crash ${new Date().toISOString()}] ${m}\n`) : () => undefined
      let finishedDrivers = 0
      for (const d of drivers) void d.then(() => { finishedDrivers++ }, (e: unknown) => debug(`driver failed: ${String(e)}`))
      for (const r of readers) void r.catch((e: unknown) => debug(`reader failed: ${String(e)}`))
      progress = setInterval(() => debug(`drivers done ${finishedDrivers}/${RUNS}, log lines ${lines().length}`), 2_000)
      // 4. the kills, at seeded random moments of each server's life
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, 300 + Math.floor(rand() * 1_500)))
        let release!: () => void
        up = new Promise<void>((r) => { release = r })
        await killHard(server.child)
        logMarks.push(lines().length)
        server = spawnServe(['--db', t.db, '--workflows', wf], { SWITCHYARD_OFFLINE_DELAY_MS: '3' }, ['--concurrency', '10'])
        client = new Client({ apiUrl: await server.url, apiKey: null, callerOptions: { maxRetries: 0 } })
        release()
        debug(`kill ${k + 1} done, new server at ${await server.url}`)
      }

      const ends = await Promise.all(drivers)
      await Promise.all(readers)
      expect(ends.every((s) => s === 'idle')).toBe(true)
      let reruns = 0
      for (const j of jobs) {
        for (const runId of j.runs) expect([j.graph, (await client.runs.get(j.thread, runId)).status]).toEqual([j.graph, 'success'])
        const all = await readRunStream(client, j.thread, j.runs[0]!)
        // the reader saw every event exactly once, in order, across its reconnects
        expect(j.read.map((e) => e.id)).toEqual(all.map((_, i) => String(i)))
        expect(j.read).toEqual(all)
        // a task that finished never starts again; one killed in flight starts again with the same id
        for (const runId of j.runs) {
          const evs = runId === j.runs[0] ? all : await readRunStream(client, j.thread, runId)
          const finished = new Set<string>()
          const started = new Map<string, number>()
          // for_each items (`each[0]`) are LangGraph tasks inside their step's node: a re-run of the node
          // streams a finished item's start and result again from its checkpointed write without running
          // it; whether it ran is what the side-effect log below says
          for (const e of evs.filter((x) => x.event === 'tasks' && !/\[\d+\]$/.test((x.data as Task).name))) {
            const task = e.data as Task
            const done = 'result' in task || 'error' in task
            if (!done) {
              expect(finished.has(task.id), `${j.graph} ${task.name} started again after it finished`).toBe(false)
              started.set(task.id, (started.get(task.id) ?? 0) + 1)
            } else if ((task.interrupts ?? []).length === 0) {
              expect(finished.has(task.id), `${j.graph} ${task.name} finished twice`).toBe(false)
              finished.add(task.id)
            }
          }
          for (const n of started.values()) reruns += n - 1
          const attempts = evs.filter((e) => e.event === 'metadata').length
          expect(Math.max(0, ...[...started.values()].map((n) => n - 1))).toBeLessThanOrEqual(attempts - 1)
        }
      }
      // side effects: a unit runs again only across a kill (started before it, again after it)
      const { units, repeats } = repeatedStarts(lines(), logMarks)
      expect(repeats.filter((r) => !r.acrossKill).map((r) => `${r.tag} ${r.unit}`), 'units that ran again without a kill between').toEqual([])
      reruns += repeats.length
      const wfJobs = jobs.filter((j) => j.graph === 'effects').length
      expect(units).toBe(wfJobs * 5)
      // at most one unit per run slot is in flight at each kill
      expect(reruns).toBeLessThanOrEqual(KILLS * 10 * 2)
      console.log(`crash suite: ${RUNS} runs, ${KILLS} kills (seed ${SEED}), ${reruns} node or step re-runs of units in flight`)
    } finally {
      clearInterval(progress)
      await killHard(server.child)
    }
  }, 480_000)
})
