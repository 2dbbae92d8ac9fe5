import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

describe('bad input over raw HTTP', () => {
  let t: TestServer
  beforeAll(async () => { t = await startTestServer() })
  afterAll(async () => { await t.close() })

  it('a malformed JSON body is a 400 VALIDATION', async () => {
    for (const path of ['/threads', '/assistants/search', '/store/items/search']) {
      const r = await rawJson(`${t.url}${path}`, { method: 'POST', body: '{"metadata": ' })
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/JSON/) })
    }
  })

  it('wrong types are a 400 VALIDATION naming each issue', async () => {
    const r = await rawJson(`${t.url}/threads/search`, { method: 'POST', body: JSON.stringify({ limit: 'ten', status: 'sleeping' }) })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('VALIDATION')
    const paths = (r.body.details as { issues: { path: string[] }[] }).issues.map((i) => i.path.join('.'))
    expect(paths.sort()).toEqual(['limit', 'status'])
    const q = await rawJson(`${t.url}/threads/${randomUUID()}/history?limit=zero`)
    expect(q).toMatchObject({ status: 400, body: { code: 'VALIDATION', details: { target: 'query' } } })
    const neg = await rawJson(`${t.url}/assistants`, { method: 'POST', body: JSON.stringify({ graph_id: 'sdlc', assistant_id: 'not-a-uuid' }) })
    expect(neg).toMatchObject({ status: 400, body: { code: 'VALIDATION' } })
  })

  it('unknown ids are a 404 NOT_FOUND', async () => {
    const id = randomUUID()
    const thread = await t.client.threads.create()
    for (const path of [`/threads/${id}`, `/threads/${id}/state`, `/threads/${thread.thread_id}/state/${id}`, `/assistants/${id}`, `/assistants/${id}/graph`]) {
      const r = await rawJson(`${t.url}${path}`)
      expect([path, r.status, r.body.code]).toEqual([path, 404, 'NOT_FOUND'])
    }
    expect(await rawJson(`${t.url}/threads/${id}`, { method: 'PATCH', body: '{"metadata":{}}' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    expect(await rawJson(`${t.url}/assistants/${id}/versions`, { method: 'POST', body: '{}' })).toMatchObject({ status: 404 })
  })

  it('a conflict is a 409 CONFLICT with details', async () => {
    const th = await t.client.threads.create()
    const r = await rawJson(`${t.url}/threads`, { method: 'POST', body: JSON.stringify({ thread_id: th.thread_id }) })
    expect(r).toMatchObject({ status: 409, body: { code: 'CONFLICT', details: { thread_id: th.thread_id } } })
  })

  it('a body over the limit is a 413, with or without a content-length, and the server keeps serving', async () => {
    const big = JSON.stringify({ metadata: { blob: 'x'.repeat(1_100_000) } })
    const r = await rawJson(`${t.url}/threads`, { method: 'POST', body: big })
    expect(r).toMatchObject({ status: 413, body: { code: 'TOO_LARGE', details: { max_bytes: 1024 * 1024 } } })
    const chunks = [big.slice(0, 600_000), big.slice(600_000)]
    const stream = new ReadableStream<Uint8Array>({ pull(c) { const s = chunks.shift(); if (s) c.enqueue(new TextEncoder().encode(s)); else c.close() } })
    const res = await fetch(`${t.url}/threads`, { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'TOO_LARGE' })
    expect(await rawJson(`${t.url}/ok`)).toMatchObject({ status: 200, body: { ok: true } })
    expect((await t.client.threads.create()).status).toBe('idle')
  })

  it('sends no CORS headers unless origins are configured', async () => {
    const res = await fetch(`${t.url}/ok`, { headers: { origin: 'http://example.com' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const withCors = await startTestServer({ corsOrigins: ['http://example.com'] })
    try {
      const pre = await fetch(`${withCors.url}/threads/search`, { method: 'OPTIONS', headers: { origin: 'http://example.com', 'access-control-request-method': 'POST' } })
      expect(pre.headers.get('access-control-allow-origin')).toBe('http://example.com')
      const other = await fetch(`${withCors.url}/ok`, { headers: { origin: 'http://evil.example' } })
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await withCors.close()
    }
  })
})
