import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type OpenedPostgres } from '../../store/db.js'
import type { ClusterSignals, RunSignal, SignalTopic } from '../../runtime/signals.js'
import { notifyChannel, openPgSignals } from '../../runtime/signals-pg.js'
import { openRedisSignals } from '../../runtime/signals-redis.js'
import { tempTarget, testPgUrl } from '../store/dialects.js'
import { freePort, killRedisServer, startRedisServer, testRedisUrl, uniquePrefix } from './redis-helper.js'

const until = async (what: string, ok: () => Promise<boolean> | boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; !(await ok());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Everything one process hears: topic calls in order, and per run the signals. */
function recorder(s: ClusterSignals) {
  const topics: SignalTopic[] = []
  for (const t of ['runs', 'crons', 'cancels'] as const) s.on(t, () => topics.push(t))
  const runs = new Map<string, RunSignal[]>()
  const watch = (runId: string) => {
    runs.set(runId, [])
    return s.onRunEvent(runId, (sig) => runs.get(runId)!.push(sig))
  }
  return { topics, runs, watch }
}

const ev = (seq: number) => ({ seq, event: 'values', data: JSON.stringify({ n: seq, text: 'x'.repeat(100) }) })

describe('cross-process signals over Redis pub/sub', async () => {
  const url = await testRedisUrl()
  const prefix = uniquePrefix('signals')
  let a: ClusterSignals, b: ClusterSignals, other: ClusterSignals, plain: Redis
  beforeAll(async () => {
    if (!url) return
    ;[a, b, other] = await Promise.all([openRedisSignals(url, { prefix }), openRedisSignals(url, { prefix }), openRedisSignals(url, { prefix: `${prefix}other:` })])
    plain = new Redis(url)
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), other?.close()])
    plain?.disconnect()
  })

  it.skipIf(!url)('topics reach the other processes of the prefix, not the sender, not another prefix', async () => {
    const ra = recorder(a), rb = recorder(b), ro = recorder(other)
    a.send('runs')
    await until('b hears runs', () => rb.topics.includes('runs'))
    // a barrier: b's message reaches a after a's own (one subscriber connection, in order)
    b.send('crons')
    await until('a hears crons', () => ra.topics.includes('crons'))
    a.send('cancels')
    await until('b hears cancels', () => rb.topics.includes('cancels'))
    expect(ra.topics).toEqual(['crons'])
    expect(rb.topics).toEqual(['runs', 'cancels'])
    expect(ro.topics).toEqual([])
    expect(a.health()).toEqual({ redis: 'up' })
    expect(a.transport).toBe('redis')
  })

  it.skipIf(!url)('a run’s events go whole, in order, to a process that watches the run, then its end', async () => {
    const rb = recorder(b)
    const off = rb.watch('run-1')
    await until('b subscribed to the run', async () => ((await plain.pubsub('NUMSUB', `${prefix}run:run-1`)) as [string, number])[1] === 1)
    for (let i = 0; i < 5; i++) a.publishRunEvent('run-1', ev(i))
    a.publishRunEvent('run-1', null)
    await until('b hears the end', () => rb.runs.get('run-1')!.some((s) => s.kind === 'ended'))
    expect(rb.runs.get('run-1')).toEqual([...[0, 1, 2, 3, 4].map((i) => ({ kind: 'event', ev: ev(i) })), { kind: 'ended' }])
    off()
    await until('b unsubscribed', async () => ((await plain.pubsub('NUMSUB', `${prefix}run:run-1`)) as [string, number])[1] === 0)
  })

  it.skipIf(!url)('a Redis that does not answer is one UPSTREAM error naming it (password masked)', async () => {
    const port = await freePort()
    await expect(openRedisSignals(`redis://:secret@127.0.0.1:${port}`)).rejects.toThrow(`cannot connect to Redis at redis://:***@127.0.0.1:${port}: connection refused`)
    await expect(openRedisSignals('redis://no-such-host.invalid:6379')).rejects.toMatchObject({ code: 'UPSTREAM' })
  })

  it.skipIf(!url)('Redis going away: health says down, listeners are polled; back: one catch-up call, then signals cross again', async () => {
    const port = await freePort()
    let server = await startRedisServer(port)
    const own = `redis://127.0.0.1:${port}`
    const [x, y] = await Promise.all([openRedisSignals(own, { prefix, pollMs: 50 }), openRedisSignals(own, { prefix, pollMs: 50 })])
    try {
      const ry = recorder(y)
      await killRedisServer(server)
      await until('y sees Redis down', () => y.health().redis === 'down' && !y.live())
      // nothing is sent while down, yet y's listeners are called (they read the store), repeatedly
      const runsAt = ry.topics.filter((t) => t === 'runs').length
      await until('polls while down', () => ry.topics.filter((t) => t === 'runs').length >= runsAt + 3)
      x.send('crons') // dropped: the log is the record, not Redis
      // a reader that arrives while Redis is down is subscribed when it is back
      const off = ry.watch('run-2')
      await until('run-2 polled', () => ry.runs.get('run-2')!.some((s) => s.kind === 'poll'))
      server = await startRedisServer(port)
      await until('both back', () => x.live() && y.live() && y.health().redis === 'up')
      const plainOwn = new Redis(own)
      try {
        await until('y subscribed to run-2 again', async () => ((await plainOwn.pubsub('NUMSUB', `${prefix}run:run-2`)) as [string, number])[1] === 1)
      } finally {
        plainOwn.disconnect()
      }
      ry.runs.set('run-2', [])
      ry.topics.length = 0
      x.publishRunEvent('run-2', ev(7))
      x.send('runs')
      await until('live again', () => ry.topics.includes('runs') && ry.runs.get('run-2')!.length > 0)
      expect(ry.runs.get('run-2')).toEqual([{ kind: 'event', ev: ev(7) }])
      off()
    } finally {
      await Promise.all([x.close(), y.close()])
      await killRedisServer(server)
    }
  })
})

describe('cross-process signals over Postgres LISTEN/NOTIFY', async () => {
  const base = await testPgUrl()
  const targets: { target: string; remove(): Promise<void> }[] = []
  const stores: OpenedPostgres[] = []
  const sigs: ClusterSignals[] = []
  const open = async (target: string) => {
    const store = await openStore(target, { poolSize: 2 }) as OpenedPostgres
    stores.push(store)
    const s = await openPgSignals(store)
    sigs.push(s)
    return s
  }
  afterAll(async () => {
    await Promise.all(sigs.map((s) => s.close()))
    await Promise.all(stores.map((s) => s.close()))
    await Promise.all(targets.map((t) => t.remove()))
  })

  it.skipIf(!base)('topics and run logs cross the processes of one schema (events by seq), not other schemas', async () => {
    const t1 = await tempTarget('postgres', 'notify1')
    const t2 = await tempTarget('postgres', 'notify2')
    targets.push(t1, t2)
    const [a, b, other] = await Promise.all([open(t1.target), open(t1.target), open(t2.target)])
    const ra = recorder(a), rb = recorder(b), ro = recorder(other)
    rb.watch('run-9')
    a.send('runs')
    a.send('runs') // coalesced with the first (one tick)
    await until('b hears runs', () => rb.topics.includes('runs'))
    b.send('cancels')
    await until('a hears cancels', () => ra.topics.includes('cancels'))
    for (let i = 0; i < 4; i++) a.publishRunEvent('run-9', ev(i))
    a.publishRunEvent('run-9', null)
    await until('b hears the end of run-9', () => rb.runs.get('run-9')!.some((s) => s.kind === 'ended'))
    // one tick's events are one notice: the last seq (readers read the log), then the end
    expect(rb.runs.get('run-9')).toEqual([{ kind: 'appended', seq: 3 }, { kind: 'ended' }])
    a.send('crons')
    await until('b hears crons', () => rb.topics.includes('crons'))
    expect(rb.topics).toEqual(['runs', 'crons'])
    expect(ra.topics).toEqual(['cancels'])
    expect(ro.topics).toEqual([])
    expect(a.health()).toEqual({ postgres_notify: 'up' })
    expect(a.transport).toBe('postgres')
  })

  it.skipIf(!base)('the listening connection killed: listeners are polled until it is back, then signals cross again', async () => {
    const t = await tempTarget('postgres', 'notify3')
    targets.push(t)
    const [a, b] = await Promise.all([open(t.target), open(t.target)])
    const rb = recorder(b)
    // end b's LISTEN session from the server side, as a failover or an idle-session killer would
    const admin = stores[stores.length - 1]!
    const { rows: [cur] } = await admin.pool.query<{ schema: string }>('select current_schema() as schema')
    const { rows } = await admin.pool.query<{ n: number }>(
      'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where query = $1 and datname = current_database()',
      [`listen ${notifyChannel(cur!.schema)}`],
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    await until('b is listening again', () => b.live())
    rb.topics.length = 0
    a.send('runs')
    await until('b hears runs again', () => rb.topics.includes('runs'))
  })
})
