import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@langchain/langgraph-sdk'
import { parseApiKeys } from '../../server/auth.js'
import { bootProtocolServer, isRootEnd, RawProtocolClient, type ProtocolServer } from './protocol-harness.js'

describe('protocol v2: bad frames get typed errors and the server keeps serving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-frames-'))
  let h: ProtocolServer
  beforeAll(async () => { h = await bootProtocolServer(join(dir, 'sy.db')) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('answers every bad frame on the socket with an error frame carrying a code; nothing is stored', async () => {
    const threadId = randomUUID()
    const c = await RawProtocolClient.open(h.wsUrl(threadId))
    c.send('not json')
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({ id: null, error: 'invalid_argument', code: 'VALIDATION', message: 'protocol commands must be valid JSON' })
    c.frames.length = 0
    c.send({ method: 'state.get' })
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({ id: null, error: 'invalid_argument' })
    c.frames.length = 0
    c.send({ id: 1005 })
    expect(await c.waitFor((f) => f.id === 1005)).toMatchObject({ type: 'error', error: 'invalid_argument', code: 'VALIDATION' })
    c.send({ id: 1006, method: 'agent.destroy' })
    expect(await c.waitFor((f) => f.id === 1006)).toMatchObject({ type: 'error', error: 'unknown_command', message: 'unknown command agent.destroy' })

    const expectError = async (method: string, params: Record<string, unknown>, error: string, code?: string) => {
      const f = await c.command(method, params)
      expect(f, `${method} ${JSON.stringify(params)}`).toMatchObject({ type: 'error', error, ...(code ? { code } : {}) })
      return f
    }
    const noAssistant = await expectError('run.start', {}, 'invalid_argument', 'VALIDATION')
    expect(noAssistant.message).toContain('assistant_id')
    expect((noAssistant.details as { issues: unknown[] }).issues.length).toBeGreaterThan(0)
    await expectError('run.start', { assistant_id: 'nope', input: { task: 'x' } }, 'invalid_argument', 'NOT_FOUND')
    await expectError('run.start', { assistant_id: 'team', input: { task: '' } }, 'invalid_argument', 'VALIDATION')
    await expectError('run.start', { assistant_id: 'team', input: { task: 'x' }, multitaskStrategy: 'sometimes' }, 'invalid_argument')
    await expectError('subscription.subscribe', { channels: ['bogus'] }, 'invalid_argument')
    await expectError('subscription.subscribe', { channels: [] }, 'invalid_argument')
    await expectError('subscription.unsubscribe', { subscription_id: 'nope' }, 'no_such_subscription', 'NOT_FOUND')
    await expectError('subscription.reconnect', { run_id: 'r', subscriptions: ['garbage'] }, 'no_such_subscription')
    await expectError('state.fork', { checkpoint_id: 'c' }, 'no_such_checkpoint', 'NOT_FOUND')
    await expectError('state.get', { namespace: ['sub:1'] }, 'no_such_namespace')
    await expectError('input.respond', { namespace: [], interrupt_id: 'i', response: 1 }, 'no_such_run')
    await expectError('input.respond', { namespace: [] }, 'invalid_argument')
    await expectError('input.inject', { namespace: [], message: { role: 'user', content: 'hi' } }, 'no_such_run')
    await expectError('agent.getTree', { run_id: 'r' }, 'no_such_run')
    // a thread that exists only in the client's mind has empty state
    expect(await c.command('state.get', {})).toMatchObject({ type: 'success', result: { values: {} } })
    expect(await c.command('state.listCheckpoints', {})).toMatchObject({ type: 'success', result: { checkpoints: [] } })
    c.socket.send(Buffer.from(JSON.stringify({ id: 1099, method: 'state.get', params: {} })), { binary: true })
    expect(await c.waitFor((f) => f.id === 1099)).toMatchObject({ type: 'success' })
    await expect(h.client.threads.get(threadId)).rejects.toThrow(/404|not found/i)

    // the same connection still serves
    const sub = await c.command('subscription.subscribe', { channels: ['lifecycle'] })
    const subscriptionId = (sub.result as { subscription_id: string }).subscription_id
    await expectError('subscription.reconnect', { run_id: 'r', subscriptions: [subscriptionId] }, 'no_such_run')
    expect(await c.command('run.start', { assistant_id: 'team', input: { task: 'still serving?' } })).toMatchObject({ type: 'success' })
    await c.waitFor(isRootEnd)
    expect((await h.client.runs.list(threadId)).map((r) => r.status)).toEqual(['success'])
    expect(await c.command('subscription.unsubscribe', { subscription_id: subscriptionId })).toMatchObject({ type: 'success' })
    await expectError('run.start', { assistant_id: 'sdlc', input: { task: 'other graph' } }, 'invalid_argument')
    await c.close()
  })

  it('closes a socket whose frame is over the size limit (1009) and accepts the next connection', async () => {
    const c = await RawProtocolClient.open(h.wsUrl(randomUUID()))
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)))
    c.send({ id: 1, method: 'state.get', params: { pad: 'x'.repeat(1_100_000) } })
    expect(await closed).toBe(1009)
    const d = await RawProtocolClient.open(h.wsUrl(randomUUID()))
    expect(await d.command('state.get', {})).toMatchObject({ type: 'success' })
    await d.close()
  })

  it('answers HTTP misuse of the protocol endpoints with typed errors', async () => {
    const t = randomUUID()
    const plain = await fetch(`${h.url}/threads/${t}/stream/events`)
    expect(plain.status).toBe(426)
    expect(await plain.json()).toMatchObject({ code: 'VALIDATION' })

    expect(await RawProtocolClient.refusal(h.wsUrl(t).replace('/stream/events', '/stream'))).toBe(404)

    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${h.url}/threads/${t}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
    const badJson = await post('/commands', 'nope')
    expect(badJson.status).toBe(400)
    expect(await badJson.json()).toMatchObject({ type: 'error', id: null, error: 'invalid_argument', code: 'VALIDATION' })
    const subscribe = await post('/commands', JSON.stringify({ id: 1, method: 'subscription.subscribe', params: { channels: ['values'] } }))
    expect(subscribe.status).toBe(200)
    expect(await subscribe.json()).toMatchObject({ type: 'error', id: 1, error: 'not_supported' })
    const unknown = await post('/commands', JSON.stringify({ id: 2, method: 'nope' }))
    expect(await unknown.json()).toMatchObject({ type: 'error', id: 2, error: 'unknown_command' })
    const ok = await post('/commands', JSON.stringify({ id: 3, method: 'state.get', params: {} }))
    expect(await ok.json()).toMatchObject({ type: 'success', id: 3, result: { values: {} } })
    const badFilter = await post('/stream/events', JSON.stringify({ channels: ['bogus'] }))
    expect(badFilter.status).toBe(400)
    expect(await badFilter.json()).toMatchObject({ code: 'VALIDATION' })
    const extraKey = await post('/stream/events', JSON.stringify({ channels: ['values'], bogus: 1 }))
    expect(extraKey.status).toBe(400)
    // the rest of the API is unaffected
    expect((await fetch(`${h.url}/ok`)).status).toBe(200)
  })

  it('a subscriber sees runs that other clients start on its thread, over HTTP too', async () => {
    const thread = await h.client.threads.create()
    const c = await RawProtocolClient.open(h.wsUrl(thread.thread_id))
    await c.command('subscription.subscribe', { channels: ['lifecycle', 'updates'] })
    const run = await h.client.runs.create(thread.thread_id, 'team', { input: { task: 'started over HTTP' }, streamMode: ['updates'] })
    await h.client.runs.join(thread.thread_id, run.run_id)
    await c.waitFor(isRootEnd)
    const events = c.events()
    expect(events.filter((e) => e.method === 'updates').map((e) => e.params!.data.node)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
    await c.close()
  })

  it('a run created over HTTP wakes a live WebSocket session at once, not at its store poll', async () => {
    // the poll (for runs of other processes) is set far beyond the wait below: only the bus can deliver in time
    const slowPoll = await bootProtocolServer(join(dir, 'poll.db'), {}, { protocolPollMs: 600_000 })
    try {
      const thread = await slowPoll.client.threads.create()
      const c = await RawProtocolClient.open(slowPoll.wsUrl(thread.thread_id))
      await c.command('subscription.subscribe', { channels: ['lifecycle', 'updates'] })
      for (const task of ['first over HTTP', 'second over HTTP']) {
        const run = await slowPoll.client.runs.create(thread.thread_id, 'team', { input: { task }, streamMode: ['updates'] })
        await slowPoll.client.runs.join(thread.thread_id, run.run_id)
      }
      await c.waitFor(() => c.events().filter(isRootEnd).length === 2, 45_000)
      expect(c.events().filter((e) => e.method === 'updates').map((e) => e.params!.data.node)).toEqual(
        // the second run starts from the first one's state: its driver goes straight to the report
        ['driver', 'researcher', 'driver', 'generator', 'driver', 'report', 'driver', 'report'])
      await c.close()
    } finally {
      await slowPoll.stop()
    }
  })

  it('sends WebSocket upgrades through the app: API keys and tenant scopes apply as on HTTP', async () => {
    const secured = await bootProtocolServer(join(dir, 'auth.db'), {}, { apiKeys: parseApiKeys('key-aaaa-1111=tenantA,key-bbbb-2222=tenantB') })
    try {
      const t = randomUUID()
      const asA = { 'x-api-key': 'key-aaaa-1111' }
      const asB = { 'x-api-key': 'key-bbbb-2222' }
      expect(await RawProtocolClient.refusal(secured.wsUrl(t))).toBe(401)
      expect(await RawProtocolClient.refusal(secured.wsUrl(t), { 'x-api-key': 'key-wrong-0000' })).toBe(401)
      const a = await RawProtocolClient.open(secured.wsUrl(t), asA)
      await a.command('subscription.subscribe', { channels: ['lifecycle'] })
      expect(await a.command('run.start', { assistant_id: 'team', input: { task: 'tenant A only' } })).toMatchObject({ type: 'success' })
      await a.waitFor(isRootEnd)
      await a.close()
      const clientA = new Client({ apiUrl: secured.url, apiKey: 'key-aaaa-1111', callerOptions: { maxRetries: 0 } })
      const clientB = new Client({ apiUrl: secured.url, apiKey: 'key-bbbb-2222', callerOptions: { maxRetries: 0 } })
      expect((await clientA.threads.get(t)).thread_id).toBe(t)
      await expect(clientB.threads.get(t)).rejects.toThrow(/404|not found/i)
      // tenant B can neither open nor command tenant A's thread
      expect(await RawProtocolClient.refusal(secured.wsUrl(t), asB)).toBe(404)
      const cmd = await fetch(`${secured.url}/threads/${t}/commands`, { method: 'POST', headers: { 'content-type': 'application/json', ...asB }, body: JSON.stringify({ id: 1, method: 'state.get', params: {} }) })
      expect(cmd.status).toBe(404)
    } finally {
      await secured.stop()
    }
  })
})
