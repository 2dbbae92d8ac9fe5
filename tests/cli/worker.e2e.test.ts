import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { openRuntime } from '../../runtime/runtime.js'
import { until } from '../until.js'
import { killHard, runCli, sideEffectLog, sideEffectWorkflow, spawnServe, spawnWorker, stopChild, tempDb } from './cli-harness.js'

// every shell step logs its start and end: the side effects counted
const WORKFLOW = sideEffectWorkflow('slow', [{ id: 'one', sleep: 0.2 }, { id: 'two', sleep: 1.5 }, { id: 'three', sleep: 0.2 }])

describe('`switchyard worker` processes run what `serve --workers 0` queues, on one SQLite file', () => {
  const t = tempDb()
  const wf = join(t.dir, 'workflows')
  mkdirSync(wf)
  writeFileSync(join(wf, 'slow.yaml'), WORKFLOW)
  const log = join(t.dir, 'effects.log')
  const effects = sideEffectLog(log)
  const env = { SWITCHYARD_LEASE_MS: '3000' }
  afterAll(() => t.cleanup())

  it('a SIGKILLed worker’s run is taken over by another and continues from its last checkpoint; cancels cross processes', async () => {
    const api = spawnServe(['--db', t.db, '--workflows', wf], env, ['--workers', '0'])
    const w1 = spawnWorker(['--db', t.db, '--workflows', wf], env, ['--concurrency', '2'])
    const w2 = spawnWorker(['--db', t.db, '--workflows', wf], env, ['--concurrency', '2'])
    const rt = await openRuntime({ dbPath: t.db, env: { SWITCHYARD_MODEL: 'offline' } })
    try {
      const client = new Client({ apiUrl: await api.url, apiKey: null })
      const [id1, id2] = await Promise.all([w1.ready, w2.ready])
      const jobs = await Promise.all(Array.from({ length: 4 }, async (_, i) => {
        const th = await client.threads.create()
        const run = await client.runs.create(th.thread_id, 'slow', { input: { tag: `r${i}`, log } })
        return { thread: th.thread_id, run: run.run_id }
      }))
      // kill worker 1 while it is inside step two of one of its runs
      const victim = await until(async () => {
        const mine = await rt.store.db.selectFrom('runs').select(['run_id', 'kwargs']).where('worker_id', '=', id1).where('status', '=', 'running').execute()
        const started = effects.lines()
        return mine.find((r) => started.includes(`start ${/"tag":"(\w+)"/.exec(r.kwargs)?.[1]} two`))?.run_id
      }, 'worker 1 inside step two of a run')
      await killHard(w1.child)
      for (const j of jobs) await client.runs.join(j.thread, j.run)
      const rows = await Promise.all(jobs.map((j) => client.runs.get(j.thread, j.run)))
      expect(rows.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success'])
      const stored = await rt.store.db.selectFrom('runs').selectAll().where('run_id', 'in', jobs.map((j) => j.run)).execute()
      // the API process ran nothing; the killed worker's run ended on the other one, on its second attempt
      for (const r of stored) expect([id1, id2]).toContain(r.worker_id)
      const taken = stored.find((r) => r.run_id === victim)!
      expect([taken.worker_id, taken.attempt]).toEqual([id2, 2])
      const tag = `r${jobs.findIndex((j) => j.run === victim)}`
      const starts = effects.starts(tag)
      // step one finished before the kill and never ran again; step two, in flight, ran again (the killed
      // worker's shell child may still finish its copy: a SIGKILL leaves no chance to stop it); three once
      expect(starts).toEqual(['one', 'two', 'two', 'three'])

      // a cancel asked through the API process stops a run executing in the worker
      const th = await client.threads.create()
      const run = await client.runs.create(th.thread_id, 'slow', { input: { tag: 'cancelled', log } })
      await until(async () => ((await client.runs.get(th.thread_id, run.run_id)).status === 'running' ? true : undefined), 'the run to be claimed')
      await client.runs.cancel(th.thread_id, run.run_id, true)
      const cancelled = await client.runs.get(th.thread_id, run.run_id)
      expect(cancelled.status).toBe('interrupted')
    } finally {
      await rt.close()
      await Promise.all([stopChild(api.child), stopChild(w1.child), stopChild(w2.child)])
    }
  }, 120_000)

  it('`serve --workers` and `worker --concurrency` take integers (0 only for serve)', async () => {
    const bad = await runCli(['--db', t.db, 'worker', '--concurrency', '0'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/--concurrency must be an integer from 1 to 1000/)
    const bad2 = await runCli(['--db', t.db, 'serve', '--workers', 'x'])
    expect(bad2.stderr).toMatch(/--workers must be an integer from 0 to 1000/)
  })
})
