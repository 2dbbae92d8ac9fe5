import type { ChildProcess } from 'node:child_process'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type OpenedDb } from '../../store/db.js'
import { spawnServe, spawnWorker, stopChild } from '../cli/cli-harness.js'
import { tempTarget, testDialects } from '../store/dialects.js'

// Issue 14 §3: a cron fires once cluster-wide. Three `switchyard worker` processes (each runs the cron
// scheduler) on one database — a Postgres schema of this file's own, and a SQLite file — and one API
// process that creates the cron; every firing is one run, whichever process won it.
const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

const WORKERS = 3
const FIRINGS = 4

describe.each(dialects)('a cron on %s with three worker processes', (dialect) => {
  let target: string
  let remove: () => Promise<void>
  let store: OpenedDb
  const children: ChildProcess[] = []
  beforeAll(async () => {
    ({ target, remove } = await tempTarget(dialect, 'crons'))
  })
  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c)))
    await store?.close()
    await remove()
  })

  it(`fires once per due time: ${FIRINGS} firings are ${FIRINGS} runs, each for its own scheduled time`, async () => {
    const args = dialect === 'postgres' ? ['--database-url', target] : ['--db', target]
    const api = spawnServe(args, {}, ['--workers', '0'])
    children.push(api.child)
    const client = new Client({ apiUrl: await api.url, apiKey: null })
    // created before the workers start: each scheduler finds it at start-up, with no signal needed
    const cron = await client.crons.create('team', { schedule: '*/2 * * * * *', input: { task: 'What is BM25?' }, onRunCompleted: 'keep' })
    const workers = Array.from({ length: WORKERS }, () => spawnWorker(args, {}, ['--concurrency', '2']))
    children.push(...workers.map((w) => w.child))
    await Promise.all(workers.map((w) => w.ready))
    store = await openStore(target, { migrate: false, poolSize: 2 })
    const fired = async () => (await store.db.selectFrom('runs').select(['run_id', 'metadata', 'worker_id', 'status', 'created_at']).execute())
      .map((r) => ({ ...r, meta: JSON.parse(r.metadata) as { cron_id?: string; cron_due_at?: string } }))
      .filter((r) => r.meta.cron_id === cron.cron_id)
    for (const end = Date.now() + 90_000; (await fired()).length < FIRINGS;) {
      if (Date.now() > end) throw new Error(`only ${(await fired()).length} firings in 90 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
    // stop the schedule, then let any firing already under way land before counting
    await client.crons.delete(cron.cron_id)
    await new Promise((r) => setTimeout(r, 2_500))
    const runs = await fired()
    const dueTimes = runs.map((r) => r.meta.cron_due_at)
    // every run names the due time it fired for; no due time fired twice, and each is on the schedule
    expect(dueTimes.every((d) => typeof d === 'string')).toBe(true)
    expect(new Set(dueTimes).size).toBe(runs.length)
    for (const d of dueTimes) expect(new Date(d!).getUTCSeconds() % 2).toBe(0)
    const byWorker = new Map<string, number>()
    for (const r of runs) byWorker.set(r.worker_id ?? '?', (byWorker.get(r.worker_id ?? '?') ?? 0) + 1)
    console.log(`crons on ${dialect}: ${runs.length} firings for ${new Set(dueTimes).size} due times, run by ${[...byWorker.values()].join('/')} across ${byWorker.size} of ${WORKERS} workers`)
  }, 150_000)
})
