import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../server/json-depth-limit.js'
import { parseFrame } from '../../server/protocol/command-dispatch.js'
import { startTestServer, type TestServer } from './server-harness.js'

const nest = (n: number, open = '{"a":', close = '}') => open.repeat(n) + '1' + close.repeat(n)

describe('JSON nesting limit (found by the fuzz suite: a deep body overflowed JSON.stringify and answered 500)', () => {
  let h: TestServer
  beforeAll(async () => { h = await startTestServer() })
  afterAll(async () => { await h.close() })

  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonTooDeep(nest(MAX_JSON_DEPTH))).toBe(false)
    expect(jsonTooDeep(nest(MAX_JSON_DEPTH + 1))).toBe(true)
    expect(jsonTooDeep(nest(MAX_JSON_DEPTH + 1, '[', ']'))).toBe(true)
    expect(jsonTooDeep(JSON.stringify({ s: '['.repeat(10_000) + '"\\' }))).toBe(false)
  })

  it('refuses deep bodies on every route with a typed 400 and stores nothing', async () => {
    const before = (await h.client.threads.search({ limit: 1000 })).length
    for (const [method, path, body] of [
      ['POST', '/threads', `{"metadata":${nest(50_000)}}`],
      ['POST', '/threads/search', `{"metadata":${nest(50_000)}}`],
      ['PUT', '/store/items', `{"namespace":["n"],"key":"k","value":${nest(50_000)}}`],
      ['POST', '/assistants', `{"graph_id":"team","config":${nest(50_000)}}`],
      ['POST', `/threads/${randomUUID()}/state`, `{"values":${nest(3_000, '[', ']')}}`],
    ] as const) {
      const res = await fetch(`${h.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body })
      expect(res.status, path).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'VALIDATION', details: { max_depth: MAX_JSON_DEPTH } })
    }
    expect((await h.client.threads.search({ limit: 1000 })).length).toBe(before)
    expect((await h.client.store.getItem(['n'], 'k'))).toBeNull()
    // a body as deep as the limit is still served
    const ok = await fetch(`${h.url}/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"metadata":${nest(MAX_JSON_DEPTH - 2)}}` })
    expect(ok.status).toBe(200)
  })

  it('answers a deep protocol frame with an invalid_argument error frame', () => {
    const r = parseFrame(`{"id":1,"method":"state.get","params":${nest(20_000)}}`)
    expect(r).toMatchObject({ error: { type: 'error', error: 'invalid_argument', id: null } })
  })
})
