import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Client, ProtocolWebSocketTransportAdapter } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyProtocol, parseApiKeys } from '../../server/auth.js'
import { bootProtocolServer, isRootEnd, RawProtocolClient, type ProtocolServer } from './protocol-harness.js'

const KEY_A = 'key-aaaa-1111'
const KEY_B = 'key-bbbb/2222:b'   // not an HTTP token as it is: the subprotocol carries it base64url-encoded

describe('protocol v2 WebSocket auth without headers (browsers): the key as a subprotocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-auth-'))
  let h: ProtocolServer
  beforeAll(async () => { h = await bootProtocolServer(join(dir, 'sy.db'), {}, { apiKeys: parseApiKeys(`${KEY_A}=tenantA,${KEY_B}=tenantB`) }) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('accepts a known key, refuses a wrong or malformed one with 401 before the upgrade', async () => {
    const t = randomUUID()
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, [keyProtocol('key-wrong-0000')])).toBe(401)
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, ['x-api-key.'])).toBe(401)
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, ['x-api-key.not*base64'])).toBe(401)
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, ['langgraph'])).toBe(401)
    // as many characters as a real key, more bytes: refused, not a 500
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, [keyProtocol('key-aaaa-111é')])).toBe(401)
    const a = await RawProtocolClient.open(h.wsUrl(t), {}, [keyProtocol(KEY_A)])
    // a browser fails a handshake whose answer names none of the offered subprotocols
    expect(a.socket.protocol).toBe(keyProtocol(KEY_A))
    await a.command('subscription.subscribe', { channels: ['lifecycle'] })
    expect(await a.command('run.start', { assistant_id: 'team', input: { task: 'tenant A by subprotocol' } })).toMatchObject({ type: 'success' })
    await a.waitFor(isRootEnd)
    await a.close()
    // another offered subprotocol is preferred to echoing the key
    const b = await RawProtocolClient.open(h.wsUrl(randomUUID()), {}, [keyProtocol(KEY_B), 'langgraph'])
    expect(b.socket.protocol).toBe('langgraph')
    await b.close()
  })

  it('scopes the connection to the key\'s tenant exactly as headers do', async () => {
    const t = randomUUID()
    const a = await RawProtocolClient.open(h.wsUrl(t), {}, [keyProtocol(KEY_A)])
    await a.command('subscription.subscribe', { channels: ['lifecycle'] })
    await a.command('run.start', { assistant_id: 'team', input: { task: 'owned by A' } })
    await a.waitFor(isRootEnd)
    await a.close()
    const asA = new Client({ apiUrl: h.url, apiKey: KEY_A, callerOptions: { maxRetries: 0 } })
    const asB = new Client({ apiUrl: h.url, apiKey: KEY_B, callerOptions: { maxRetries: 0 } })
    expect((await asA.threads.get(t)).thread_id).toBe(t)
    await expect(asB.threads.get(t)).rejects.toThrow(/404|not found/i)
    // tenant B, by subprotocol or by header, cannot open tenant A's thread
    expect(await RawProtocolClient.refusal(h.wsUrl(t), {}, [keyProtocol(KEY_B)])).toBe(404)
    expect(await RawProtocolClient.refusal(h.wsUrl(t), { 'x-api-key': KEY_B })).toBe(404)
    // the subprotocol is read on WebSocket upgrades only, never on plain HTTP
    const plain = await fetch(`${h.url}/threads/${t}`, { headers: { 'sec-websocket-protocol': keyProtocol(KEY_A) } })
    expect(plain.status).toBe(401)
  })

  it('works with the official SDK: an apiKey client for HTTP, a webSocketFactory offering the key for the stream', async () => {
    const client = new Client({ apiUrl: h.url, apiKey: KEY_A, callerOptions: { maxRetries: 0 } })
    // the SDK refuses headers on its WebSocket transport: this is why the key travels as a subprotocol
    const headered = client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    await expect(headered.run.start({ input: { task: 'x' } })).rejects.toThrow(/does not support defaultHeaders/)
    await headered.close()
    const transport = new ProtocolWebSocketTransportAdapter({
      apiUrl: h.url,
      webSocketFactory: (url) => new WebSocket(url, [keyProtocol(KEY_A)]),
    })
    const t = randomUUID()
    const thread = client.threads.stream(t, { assistantId: 'team', transport })
    try {
      const sub = await thread.subscribe(['lifecycle'])
      const { run_id } = await thread.run.start({ input: { task: 'What is BM25?' } })
      const events: { params: { data: { event?: string } } }[] = []
      for await (const e of sub) events.push(e as (typeof events)[number])
      expect(events.map((e) => e.params.data.event)).toEqual(['running', 'completed'])
      expect(run_id).toEqual(expect.any(String))
      expect((await client.runs.get(t, String(run_id))).status).toBe('success')
    } finally {
      await thread.close()
    }
  })
})
