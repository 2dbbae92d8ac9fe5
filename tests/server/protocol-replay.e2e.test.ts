import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootProtocolServer, isRootEnd, RawProtocolClient, type Frame, type ProtocolServer } from './protocol-harness.js'

const ALL = ['values', 'updates', 'messages', 'lifecycle', 'input', 'checkpoints', 'tasks', 'tools']
/** What must be identical between a live delivery and its replay (timestamps are the delivery time). */
const shape = (f: Frame) => ({ seq: f.seq, event_id: f.event_id, method: f.method, namespace: f.params?.namespace, data: f.params?.data })

/** Every event of the thread after `since`, through the end of the thread's last run, on a fresh connection. */
async function replayAll(h: ProtocolServer, threadId: string, since = 0, channels = ALL): Promise<Frame[]> {
  const c = await RawProtocolClient.open(h.wsUrl(threadId))
  try {
    const runs = (await h.client.runs.list(threadId)).length
    await c.command('subscription.subscribe', { channels, since })
    await c.waitFor(() => c.events().filter(isRootEnd).length >= runs)
    return c.events()
  } finally {
    await c.close()
  }
}

/** Reads an SSE body until `stop` says so, then aborts the request. */
async function readSse(res: Response, ac: AbortController, stop: (f: Frame) => boolean): Promise<{ id: string; event: string; frame: Frame }[]> {
  const out: { id: string; event: string; frame: Frame }[] = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buf = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buf += value
    let at: number
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, at)
      buf = buf.slice(at + 2)
      const field = (k: string) => block.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2)
      const data = field('data')
      if (!data) continue
      const frame = JSON.parse(data) as Frame
      out.push({ id: field('id') ?? '', event: field('event') ?? '', frame })
      if (stop(frame)) { ac.abort(); return out }
    }
  }
  return out
}

describe('protocol v2 replay from the durable log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-replay-'))
  const db = join(dir, 'sy.db')
  let h: ProtocolServer
  // tokens slow enough that a client can drop mid-run
  beforeAll(async () => { h = await bootProtocolServer(db, { SWITCHYARD_OFFLINE_DELAY_MS: '3' }) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('a dropped client reconnects with subscription.reconnect and gets exactly the events it missed', async () => {
    const threadId = randomUUID()
    const a = await RawProtocolClient.open(h.wsUrl(threadId))
    const sub = await a.command('subscription.subscribe', { channels: ALL })
    const subscriptionId = (sub.result as { subscription_id: string }).subscription_id
    const started = await a.command('run.start', { assistant_id: 'team', input: { task: 'Explain write-ahead logging' } })
    const runId = (started.result as { run_id: string }).run_id
    await a.waitFor(() => a.events().length >= 40)
    a.drop()
    const seen = [...a.events()]
    await new Promise((r) => setTimeout(r, 150))

    const b = await RawProtocolClient.open(h.wsUrl(threadId))
    const rec = await b.command('subscription.reconnect', { run_id: runId, last_event_id: seen.at(-1)!.event_id, subscriptions: [subscriptionId] })
    expect(rec).toMatchObject({ type: 'success', result: { restored: true } })
    const missed = (rec.result as { missed_events: number }).missed_events
    expect(missed).toBeGreaterThan(0)
    await b.waitFor(isRootEnd)
    const rest = b.events()
    await b.close()

    const all = await replayAll(h, threadId)
    expect([...seen, ...rest].map(shape)).toEqual(all.map(shape))
    // one run: seqs are contiguous, the event ids name the run
    expect(all.map((e) => e.seq! - all[0]!.seq!)).toEqual(all.map((_, i) => i))
    expect(all.every((e) => e.event_id!.startsWith(`${runId}:`))).toBe(true)
    expect(rest.length).toBeGreaterThanOrEqual(missed)
  })

  it('since replays exactly the events after a seq, across runs; the SSE twin serves the same events', async () => {
    const threadId = randomUUID()
    const c = await RawProtocolClient.open(h.wsUrl(threadId))
    await c.command('subscription.subscribe', { channels: ['lifecycle', 'input', 'values'] })
    await c.command('run.start', { assistant_id: 'sdlc', input: { task: 'A todo app' } })
    await c.waitFor(isRootEnd)
    const gate = c.events().find((e) => e.method === 'input.requested')!
    await c.command('input.respond', { namespace: [], interrupt_id: gate.params!.data.interrupt_id, response: { action: 'approve' } })
    await c.waitFor(() => c.events().filter(isRootEnd).length === 2)
    const live = c.events()
    await c.close()
    const ranks = new Set(live.map((e) => Math.floor(e.seq! / 1e9)))
    expect([...ranks]).toEqual([1, 2])

    const cut = live[3]!
    const after = await replayAll(h, threadId, cut.seq!, ['lifecycle', 'input', 'values'])
    expect(after.map(shape)).toEqual(live.slice(4).map(shape))

    const ac = new AbortController()
    const res = await fetch(`${h.url}/threads/${threadId}/stream/events`, {
      method: 'POST', signal: ac.signal, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['lifecycle', 'input', 'values'], since: cut.seq }),
    })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    let ends = 0
    const sse = await readSse(res, ac, (f) => isRootEnd(f) && ++ends === 2)
    expect(sse.map((s) => shape(s.frame))).toEqual(live.slice(4).map(shape))
    expect(sse.map((s) => s.id)).toEqual(live.slice(4).map((e) => e.event_id))
    expect(sse.map((s) => s.event)).toEqual(live.slice(4).map((e) => e.method))

    // Last-Event-ID (an event id) resumes the same way
    const ac2 = new AbortController()
    const res2 = await fetch(`${h.url}/threads/${threadId}/stream/events`, {
      method: 'POST', signal: ac2.signal, headers: { 'content-type': 'application/json', 'Last-Event-ID': cut.event_id! },
      body: JSON.stringify({ channels: ['lifecycle', 'input', 'values'] }),
    })
    ends = 0
    const sse2 = await readSse(res2, ac2, (f) => isRootEnd(f) && ++ends === 2)
    expect(sse2.map((s) => s.id)).toEqual(live.slice(4).map((e) => e.event_id))
  })

  it('deleting an earlier run moves no seq: since and a full replay find the later runs where they were', async () => {
    const threadId = randomUUID()
    const c = await RawProtocolClient.open(h.wsUrl(threadId))
    await c.command('subscription.subscribe', { channels: ['lifecycle', 'values'] })
    for (const [i, task] of ['one', 'two', 'three'].entries()) {
      await c.command('run.start', { assistant_id: 'team', input: { task } })
      await c.waitFor(() => c.events().filter(isRootEnd).length === i + 1)
    }
    const live = c.events()
    await c.close()
    const rankOf = (f: Frame) => Math.floor(f.seq! / 1e9)
    expect([...new Set(live.map(rankOf))]).toEqual([1, 2, 3])

    const [first] = (await h.client.runs.list(threadId)).sort((x, y) => x.created_at.localeCompare(y.created_at))
    await h.client.runs.delete(threadId, first!.run_id)
    expect(await h.client.runs.list(threadId)).toHaveLength(2)

    // a client holding a seq inside run 3 resumes exactly after it
    const third = live.filter((f) => rankOf(f) === 3)
    const cut = third[1]!
    const d = await RawProtocolClient.open(h.wsUrl(threadId))
    await d.command('subscription.subscribe', { channels: ['lifecycle', 'values'], since: cut.seq })
    await d.waitFor(isRootEnd)
    expect(d.events().map(shape)).toEqual(third.slice(2).map(shape))
    await d.close()
    // from the start: runs 2 and 3 with the seqs and ids they had
    const all = await replayAll(h, threadId, 0, ['lifecycle', 'values'])
    expect(all.map(shape)).toEqual(live.filter((f) => rankOf(f) > 1).map(shape))
  })

  it('the SDK\'s own WebSocket reconnect (re-subscribe, dedup by event_id) loses and repeats nothing', async () => {
    const sockets: WebSocket[] = []
    const thread = h.client.threads.stream({
      assistantId: 'team', transport: 'websocket', reconnectDelayMs: () => 20,
      webSocketFactory: (url: string) => { const s = new WebSocket(url); sockets.push(s); return s },
    })
    try {
      const sub = await thread.subscribe(['values', 'updates', 'messages', 'lifecycle'])
      await thread.run.start({ input: { task: 'What does fsync guarantee?' } })
      const got: Frame[] = []
      for await (const e of sub) {
        got.push(e as unknown as Frame)
        if (got.length === 30) sockets[0]!.close()
      }
      expect(sockets.length).toBe(2)
      const all = await replayAll(h, thread.threadId, 0, ['values', 'updates', 'messages', 'lifecycle'])
      expect(got.map((e) => e.event_id)).toEqual(all.map((e) => e.event_id))
    } finally {
      await thread.close()
    }
  })

  it('after a server restart on the same SQLite file, reconnect replays exactly the rest, and seqs go on across runs', async () => {
    const threadId = randomUUID()
    const a = await RawProtocolClient.open(h.wsUrl(threadId))
    const sub = await a.command('subscription.subscribe', { channels: ALL })
    const subscriptionId = (sub.result as { subscription_id: string }).subscription_id
    const started = await a.command('run.start', { assistant_id: 'team', input: { task: 'What survives a restart?' } })
    const runId = (started.result as { run_id: string }).run_id
    await a.waitFor(() => a.events().length >= 25)
    a.drop()
    const seen = [...a.events()]
    // stopping waits for the run in flight to finish: its events keep going to the log
    await h.stop()
    h = await bootProtocolServer(db)

    const b = await RawProtocolClient.open(h.wsUrl(threadId))
    const rec = await b.command('subscription.reconnect', { run_id: runId, last_event_id: seen.at(-1)!.event_id, subscriptions: [subscriptionId] })
    expect(rec.type).toBe('success')
    await b.waitFor(isRootEnd)
    const rest = [...b.events()]
    expect((rec.result as { missed_events: number }).missed_events).toBe(rest.length)

    // the restored subscription goes on serving the thread's next run, numbered after the first
    await b.command('run.start', { assistant_id: 'team', input: { task: 'And a second run?' } })
    await b.waitFor(() => b.events().filter(isRootEnd).length === 2)
    const second = b.events().slice(rest.length)
    await b.close()
    expect(second[0]!.seq).toBe(2e9)

    const all = await replayAll(h, threadId)
    expect([...seen, ...rest, ...second].map(shape)).toEqual(all.map(shape))
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length)
  })
})
