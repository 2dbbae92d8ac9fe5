import { expect } from 'vitest'
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
