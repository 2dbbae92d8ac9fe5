import { expect } from 'vitest'
import { isRootEnd, RawProtocolClient, type Frame } from '../server/protocol-harness.js'
import { expectExact, readStream, until, type Cluster } from './scale-cluster.js'

/**
 * A run started through API process A, executed by a worker, streamed through API process B in two pieces
 * (the client drops after the first events and comes back with Last-Event-ID while the run went on): the
 * pieces together are the stored log exactly, in order, each event once. The worker's queue does not poll
 * (SWITCHYARD_QUEUE_POLL_MS=0): it can only have claimed the run on the API process's wake-up signal.
 */
export async function streamedElsewhere(c: Cluster, tag: string) {
  const [a] = c.clients
  const bUrl = c.urls[1]!
  const th = await a!.threads.create()
  const run = await a!.runs.create(th.thread_id, 'gated', { input: c.input(tag), streamMode: ['values', 'updates'] })
  // piece 1: from the start until step one's update (the run then waits at gate g1)
  const p1 = await readStream(bUrl, th.thread_id, run.run_id, '-1', (e) => e.data.includes(`one ${tag}`))
  expect(p1.ended, JSON.stringify(p1.events).slice(0, 3000)).toBe(false)
  // while the client is away the run passes gate 1 and its events are logged
  c.gate(tag, 'g1')
  await until('step two logged', async () => (await c.log(run.run_id)).some((e) => e.data.includes(`two ${tag}`)))
  // piece 2: resumed after the last id seen; gate 2 opens once it is reading, so the rest comes live
  const seen: string[] = []
  const reading = readStream(bUrl, th.thread_id, run.run_id, String(p1.events.at(-1)!.id), (e) => { seen.push(e.data); return false })
  await until('the resumed stream has replayed step two', () => seen.some((d) => d.includes(`two ${tag}`)))
  c.gate(tag, 'g2')
  const p2 = await reading
  expect(p2.ended).toBe(true)
  const row = await c.run(run.run_id)
  expect(row.status).toBe('success')
  expect(c.workerIds).toContain(row.worker_id)
  const log = await c.log(run.run_id)
  const x = expectExact([p1.events, p2.events], log)
  expect(x.ids).toEqual(x.wanted)
  expect(x.same).toBe(true)
  expect(log.some((e) => e.data.includes(`four ${tag}`))).toBe(true)
  return { threadId: th.thread_id, runId: run.run_id }
}

/**
 * A cancel asked through API process B stops a run that API process A queued and a worker executes: the
 * worker's lease is long (its heartbeat would see the flag only after minutes), so the cancel signal is
 * what stops it; the run ends interrupted and never reaches its last step.
 */
export async function cancelledElsewhere(c: Cluster, tag: string) {
  const [a, b] = c.clients
  const th = await a!.threads.create()
  const run = await a!.runs.create(th.thread_id, 'gated', { input: c.input(tag) })
  await until('the run waits at gate 1 in a worker', async () => (await c.log(run.run_id)).some((e) => e.data.includes(`one ${tag}`)))
  await b!.runs.cancel(th.thread_id, run.run_id, true)
  const row = await c.run(run.run_id)
  expect(row.status).toBe('interrupted')
  expect(c.workerIds).toContain(row.worker_id)
  expect((await c.log(run.run_id)).some((e) => e.data.includes(`four ${tag}`))).toBe(false)
}

const CHANNELS = ['values', 'updates', 'lifecycle']
const shape = (f: Frame) => ({ seq: f.seq, event_id: f.event_id, method: f.method, namespace: f.params?.namespace, data: f.params?.data })
const wsUrl = (apiUrl: string, threadId: string) => `${apiUrl.replace(/^http/, 'ws')}/threads/${encodeURIComponent(threadId)}/stream/events`

/**
 * Protocol v2 through API process B of a thread whose run API process A started (the session learns of the
 * run from the other process's signal) and a worker executes: a client that drops after step one and comes
 * back with `since` its last seq gets, in the two connections together, exactly what a full replay gives.
 */
export async function protocolElsewhere(c: Cluster, tag: string) {
  const [a] = c.clients
  const bUrl = c.urls[1]!
  const th = await a!.threads.create()
  const first = await RawProtocolClient.open(wsUrl(bUrl, th.thread_id))
  await first.command('subscription.subscribe', { channels: CHANNELS, since: 0 })
  const run = await a!.runs.create(th.thread_id, 'gated', { input: c.input(tag), streamMode: ['values', 'updates'] })
  await first.waitFor((f) => f.type === 'event' && JSON.stringify(f.params?.data ?? {}).includes(`one ${tag}`), 90_000)
  first.drop()
  const piece1 = first.events()
  c.gate(tag, 'g1')
  await until('step two logged', async () => (await c.log(run.run_id)).some((e) => e.data.includes(`two ${tag}`)))
  const second = await RawProtocolClient.open(wsUrl(bUrl, th.thread_id))
  try {
    await second.command('subscription.subscribe', { channels: CHANNELS, since: piece1.at(-1)!.seq })
    await second.waitFor((f) => f.type === 'event' && JSON.stringify(f.params?.data ?? {}).includes(`two ${tag}`), 90_000)
    c.gate(tag, 'g2')
    await second.waitFor(isRootEnd, 90_000)
  } finally {
    await second.close()
  }
  const replay = await RawProtocolClient.open(wsUrl(bUrl, th.thread_id))
  try {
    await replay.command('subscription.subscribe', { channels: CHANNELS, since: 0 })
    await replay.waitFor(isRootEnd, 90_000)
    const pieces = [...piece1, ...second.events()].map(shape)
    expect(pieces).toEqual(replay.events().map(shape))
    expect(new Set(pieces.map((p) => p.seq)).size).toBe(pieces.length)
    expect(pieces.some((p) => JSON.stringify(p.data).includes(`four ${tag}`))).toBe(true)
  } finally {
    await replay.close()
  }
  expect(c.workerIds).toContain((await c.run(run.run_id)).worker_id)
}
