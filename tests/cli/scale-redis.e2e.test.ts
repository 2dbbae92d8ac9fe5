import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempTarget, testPgUrl } from '../store/dialects.js'
import { freePort, killRedisServer, startRedisServer, testRedisUrl, uniquePrefix } from '../runtime/redis-helper.js'
import { runCli } from './cli-harness.js'
import { expectExact, readStream, startCluster, until, type Cluster } from './scale-cluster.js'
import { cancelledElsewhere, protocolElsewhere, streamedElsewhere } from './scale-scenarios.js'

const pgUrl = await testPgUrl()
const redisUrl = await testRedisUrl()
const ready = !!pgUrl && !!redisUrl

describe('API and worker processes on Postgres + Redis', () => {
  let c: Cluster | undefined
  let remove: (() => Promise<void>) | undefined
  const prefix = uniquePrefix('scale-redis')
  beforeAll(async () => {
    if (!ready) return
    const t = await tempTarget('postgres', 'scale_redis')
    remove = t.remove
    c = await startCluster({
      databaseUrl: t.target,
      env: { REDIS_URL: redisUrl!, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_LEASE_MS: '600000', SWITCHYARD_PG_POOL: '4' },
      apis: 2,
      workers: 2,
      workerEnv: { SWITCHYARD_QUEUE_POLL_MS: '0' },
      workerArgs: ['--shutdown-grace', '300'],
    })
  })
  afterAll(async () => {
    await c?.stop()
    await remove?.()
  })

  it.skipIf(!ready)('a run started through API A, claimed by a worker on its Redis wake-up, streamed through API B with a Last-Event-ID resume: exact', async () => {
    const plain = new Redis(redisUrl!)
    try {
      const heard: string[] = []
      await plain.psubscribe(`${prefix}run:*`)
      plain.on('pmessage', (_p, _ch, text) => heard.push(text))
      const { runId } = await streamedElsewhere(c!, 'r1')
      // the worker published the run's events on Redis, whole
      await until('the end mark on Redis', () => heard.some((m) => m.includes('"end":1')))
      const published = heard.map((m) => JSON.parse(m) as { r: string; e?: { seq: number } }).filter((m) => m.r === runId && m.e).map((m) => m.e!.seq)
      expect(published).toEqual((await c!.log(runId)).map((e) => e.seq))
    } finally {
      plain.disconnect()
    }
    expect(await (await fetch(`${c!.urls[1]}/ok`)).json()).toEqual({ ok: true })
  })

  it.skipIf(!ready)('protocol v2 through API B: a dropped client back with since gets exactly what a full replay gives (Redis)', async () => {
    await protocolElsewhere(c!, 'r3')
  })

  it.skipIf(!ready)('a cancel through API B stops the run in the worker at once (Redis), not at its heartbeat', async () => {
    await cancelledElsewhere(c!, 'r2')
  })

  it.skipIf(!ready)('a worker stopping mid-run puts the run back; the other worker continues it and the stream through API B goes on to the end, exact', async () => {
    const [a] = c!.clients
    const th = await a!.threads.create()
    const run = await a!.runs.create(th.thread_id, 'gated', { input: c!.input('r4'), streamMode: ['values', 'updates'] })
    const seen: string[] = []
    const reading = readStream(c!.urls[1]!, th.thread_id, run.run_id, '-1', (e) => { seen.push(e.data); return false })
    await until('the reader has step one', () => seen.some((d) => d.includes('one r4')))
    const holder = c!.workerIds.indexOf((await c!.run(run.run_id)).worker_id!)
    expect(holder).toBeGreaterThanOrEqual(0)
    // SIGTERM: the run is stopped after the 300 ms grace and requeued; its end mark reaches API B
    c!.workers[holder]!.child.kill('SIGTERM')
    await until('the other worker holds it', async () => {
      const r = await c!.run(run.run_id)
      return r.status === 'running' && r.worker_id === c!.workerIds[1 - holder]
    })
    c!.gate('r4', 'g1')
    c!.gate('r4', 'g2')
    const r = await reading
    expect(r.ended).toBe(true)
    const row = await c!.run(run.run_id)
    expect([row.status, row.attempt]).toEqual(['success', 2])
    const x = expectExact([r.events], await c!.log(run.run_id))
    expect(x.ids).toEqual(x.wanted)
    expect(x.same).toBe(true)
  })
})

describe('Redis going away mid-run, on Postgres', () => {
  let c: Cluster | undefined
  let remove: (() => Promise<void>) | undefined
  let port = 0
  let server: Awaited<ReturnType<typeof startRedisServer>> | undefined
  const prefix = uniquePrefix('scale-redis-kill')
  beforeAll(async () => {
    if (!ready) return
    port = await freePort()
    server = await startRedisServer(port)
    const t = await tempTarget('postgres', 'scale_redis_kill')
    remove = t.remove
    c = await startCluster({
      databaseUrl: t.target,
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_PG_POOL: '4' },
      apis: 1,
      workers: 1,
      workerEnv: { SWITCHYARD_QUEUE_POLL_MS: '0' },
    })
  })
  afterAll(async () => {
    await c?.stop()
    if (server) await killRedisServer(server)
    await remove?.()
  })

  it.skipIf(!ready)('loses nothing: the run goes on, /ok says redis is down (200), readers complete by polling the log, new runs are claimed; back: live again', async () => {
    const api = c!.clients[0]!
    const url = c!.urls[0]!
    const th = await api.threads.create()
    const run = await api.runs.create(th.thread_id, 'gated', { input: c!.input('k1'), streamMode: ['values', 'updates'] })
    const seen: string[] = []
    const reading = readStream(url, th.thread_id, run.run_id, '-1', (e) => { seen.push(e.data); return false })
    await until('the reader has step one', () => seen.some((d) => d.includes('one k1')))
    await killRedisServer(server!)
    server = undefined
    await until('/ok reports redis down', async () => (await fetch(`${url}/ok`)).status === 200 && ((await (await fetch(`${url}/ok`)).json()) as { redis?: string }).redis === 'down')
    const ok = await fetch(`${url}/ok`)
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true, degraded: ['redis'], redis: 'down' }])
    // the run goes on without Redis, and the reader gets the rest by polling the log
    c!.gate('k1', 'g1')
    c!.gate('k1', 'g2')
    const r1 = await reading
    expect(r1.ended).toBe(true)
    const x1 = expectExact([r1.events], await c!.log(run.run_id))
    expect(x1.ids).toEqual(x1.wanted)
    expect(x1.same).toBe(true)
    expect((await c!.run(run.run_id)).status).toBe('success')
    // a run queued while Redis is down: the worker's queue does not poll, its degraded signals do
    const th2 = await api.threads.create()
    const down = await api.runs.create(th2.thread_id, 'gated', { input: c!.input('k2') })
    c!.gate('k2', 'g1')
    c!.gate('k2', 'g2')
    await api.runs.join(th2.thread_id, down.run_id)
    expect((await c!.run(down.run_id)).status).toBe('success')

    // Redis back on the same port: both processes reconnect by themselves
    server = await startRedisServer(port)
    await until('/ok is all up again', async () => JSON.stringify(await (await fetch(`${url}/ok`)).json()) === '{"ok":true}')
    const plain = new Redis(`redis://127.0.0.1:${port}`)
    try {
      const heard: string[] = []
      await plain.psubscribe(`${prefix}run:*`)
      plain.on('pmessage', (_p, _ch, text) => heard.push(text))
      await until('the worker is subscribed again', async () => ((await plain.pubsub('NUMSUB', `${prefix}signal`)) as [string, number])[1] >= 2)
      const th3 = await api.threads.create()
      const live = await api.runs.create(th3.thread_id, 'gated', { input: c!.input('k3'), streamMode: ['values', 'updates'] })
      const seen3: string[] = []
      const reading3 = readStream(url, th3.thread_id, live.run_id, '-1', (e) => { seen3.push(e.data); return false })
      await until('the live reader has step one', () => seen3.some((d) => d.includes('one k3')))
      // the API process follows this run on Redis again (subscribed to its channel)
      await until('the API process subscribed to the run', async () => ((await plain.pubsub('NUMSUB', `${prefix}run:${live.run_id}`)) as [string, number])[1] === 1)
      c!.gate('k3', 'g1')
      c!.gate('k3', 'g2')
      const r3 = await reading3
      const log3 = await c!.log(live.run_id)
      const x3 = expectExact([r3.events], log3)
      expect(x3.ids).toEqual(x3.wanted)
      expect(x3.same).toBe(true)
      await until('the end mark on Redis', () => heard.some((m) => m.includes(live.run_id) && m.includes('"end":1')))
      const published = heard.map((m) => JSON.parse(m) as { r: string; e?: { seq: number } }).filter((m) => m.r === live.run_id && m.e).map((m) => m.e!.seq)
      expect(published).toEqual(log3.map((e) => e.seq))
    } finally {
      plain.disconnect()
    }
  })
})

describe('a REDIS_URL that does not answer', () => {
  it.skipIf(!ready)('is one line on stderr and exit 1 before anything is written (serve and worker)', async () => {
    const port = await freePort()
    const t = await tempTarget('postgres', 'redis_refused')
    try {
      const args = ['--database-url', t.target, '--redis-url', `redis://:hunter2@127.0.0.1:${port}`]
      const [serve, worker] = await Promise.all([runCli([...args, 'serve', '--port', '0', '--workers', '0']), runCli([...args, 'worker'])])
      for (const r of [serve, worker]) {
        expect(r.code).toBe(1)
        expect(r.stderr.trim().split('\n')).toEqual([`switchyard: UPSTREAM: cannot connect to Redis at redis://:***@127.0.0.1:${port}: connection refused`])
        expect(r.stdout).toBe('')
      }
      // nothing written: the store's schema was never created
      const schema = /\?schema=(\w+)/.exec(t.target)![1]
      const db = new pg.Client({ connectionString: pgUrl })
      await db.connect()
      try {
        const { rows } = await db.query('select count(*)::int as n from information_schema.schemata where schema_name = $1', [schema])
        expect(rows[0].n).toBe(0)
      } finally {
        await db.end()
      }
    } finally {
      await t.remove()
    }
  })
})
