import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseStepParams } from '../../../agents/steps/registry.js'
import type { StepContext } from '../../../agents/steps/step-context.js'
import { runWebhookStep } from '../../../agents/steps/webhook-step.js'

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number, body: string) => void

/** A real HTTP server on 127.0.0.1:0 that counts the attempts per path. */
function startServer(routes: Record<string, Handler>) {
  const attempts = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      const n = (attempts.get(path) ?? 0) + 1
      attempts.set(path, n)
      const handler = routes[path]
      if (handler) handler(req, res, n, Buffer.concat(chunks).toString('utf8'))
      else res.writeHead(500).end()
    })
  })
  return new Promise<{ url: string; attempts: Map<string, number>; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      attempts,
      close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()) }),
    }))
  })
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body))

describe('webhook step', () => {
  let srv: Awaited<ReturnType<typeof startServer>>
  const ctx: StepContext = { workspace: '/nonexistent', env: {} }
  const run = (raw: Record<string, unknown>, c = ctx) => runWebhookStep(parseStepParams('webhook', { backoff_ms: 1, ...raw }), c)

  beforeEach(async () => {
    srv = await startServer({
      '/echo': (req, res, _n, body) => json(res, 201, { method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, body: body ? JSON.parse(body) : null }),
      '/flaky': (_req, res, n) => (n === 1 ? res.writeHead(503).end('busy') : json(res, 200, { ok: true, attempt: n })),
      '/limited': (_req, res, n) => (n === 1 ? res.writeHead(429, { 'retry-after': '0' }).end() : json(res, 200, { ok: true })),
      '/down': (_req, res) => res.writeHead(502).end('bad gateway'),
      '/missing': (_req, res) => json(res, 404, { error: 'no such hook' }),
      '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-id': '42' }).end('plain'),
      '/big': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5_000)),
      '/big-chunked': (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); for (let i = 0; i < 5; i++) res.write('y'.repeat(1_000)); res.end() },
      '/hop': (_req, res) => res.writeHead(302, { location: '/echo' }).end(),
      '/slow': (_req, res) => { const t = setTimeout(() => json(res, 200, { late: true }), 3_000); res.on('close', () => clearTimeout(t)) },
    })
  })
  afterEach(() => srv.close())

  it('POSTs a JSON body with headers and returns status, headers and the parsed body', async () => {
    const out = await run({ url: `${srv.url}/echo`, headers: { authorization: 'Bearer t' }, body: { ref: 'main', n: [1, 2] } })
    expect(out.status).toBe(201)
    expect(out.headers['content-type']).toContain('application/json')
    expect(out.body).toEqual({ method: 'POST', type: 'application/json', auth: 'Bearer t', body: { ref: 'main', n: [1, 2] } })
    expect(srv.attempts.get('/echo')).toBe(1)
  })

  it('returns a non-JSON body as text', async () => {
    const out = await run({ url: `${srv.url}/text`, method: 'GET' })
    expect(out).toMatchObject({ status: 200, body: 'plain', headers: { 'x-id': '42' } })
  })

  it('refuses a response body over max_response_bytes, declared or streamed, without retrying', async () => {
    await expect(run({ url: `${srv.url}/big`, max_response_bytes: 4_096 })).rejects.toMatchObject({ code: 'UPSTREAM', details: { max_response_bytes: 4_096, attempts: 1 } })
    await expect(run({ url: `${srv.url}/big-chunked`, max_response_bytes: 2_500 })).rejects.toMatchObject({ code: 'UPSTREAM', message: expect.stringContaining('over max_response_bytes 2500') })
    expect([srv.attempts.get('/big'), srv.attempts.get('/big-chunked')]).toEqual([1, 1])
    expect((await run({ url: `${srv.url}/big`, method: 'GET' })).body).toHaveLength(5_000)
  })

  it('retries a 503 and a 429, then succeeds', async () => {
    expect((await run({ url: `${srv.url}/flaky` })).body).toEqual({ ok: true, attempt: 2 })
    expect(srv.attempts.get('/flaky')).toBe(2)
    expect((await run({ url: `${srv.url}/limited` })).status).toBe(200)
    expect(srv.attempts.get('/limited')).toBe(2)
  })

  it('gives up after retries + 1 attempts with UPSTREAM', async () => {
    await expect(run({ url: `${srv.url}/down`, retries: 2 })).rejects.toMatchObject({
      name: 'AppError', code: 'UPSTREAM', details: { status: 502, attempts: 3, body_tail: 'bad gateway' },
    })
    expect(srv.attempts.get('/down')).toBe(3)
  })

  it('fails a 404 at once, without retrying', async () => {
    await expect(run({ url: `${srv.url}/missing`, retries: 3 })).rejects.toMatchObject({
      code: 'UPSTREAM', details: { status: 404, attempts: 1 },
    })
    expect(srv.attempts.get('/missing')).toBe(1)
  })

  it('accepts the statuses listed in expect_status, and only those', async () => {
    expect((await run({ url: `${srv.url}/missing`, method: 'DELETE', expect_status: [404, 410] })).body).toEqual({ error: 'no such hook' })
    await expect(run({ url: `${srv.url}/echo`, expect_status: 200 })).rejects.toMatchObject({ details: { status: 201 } })
  })

  it('times out a slow server on every attempt', async () => {
    const started = Date.now()
    await expect(run({ url: `${srv.url}/slow`, timeout: '200ms', retries: 1 })).rejects.toMatchObject({
      code: 'UPSTREAM', details: { timed_out: true, attempts: 2 },
    })
    expect(srv.attempts.get('/slow')).toBe(2)
    expect(Date.now() - started).toBeLessThan(2_500)
  })

  it('retries a refused connection', async () => {
    const closed = await startServer({})
    await closed.close()
    await expect(run({ url: `${closed.url}/x`, retries: 1 })).rejects.toMatchObject({ code: 'UPSTREAM', details: { attempts: 2, timed_out: false } })
  })

  it('throws CANCELLED when the run is aborted', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    await expect(run({ url: `${srv.url}/slow` }, { ...ctx, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(srv.attempts.get('/slow')).toBe(1)
  })

  it('validates its with block', () => {
    expect(() => parseStepParams('webhook', { url: 'file:///etc/passwd' })).toThrow(/url/)
    expect(() => parseStepParams('webhook', { url: 'http://x', method: 'TRACE' })).toThrow(/method/)
    expect(parseStepParams('webhook', { url: 'http://x' })).toMatchObject({ method: 'POST', retries: 2, headers: {} })
  })

  it('with SWITCHYARD_WEBHOOK_HOSTS set, calls only those hosts and follows no redirect', async () => {
    const port = new URL(srv.url).port
    const before = process.env.SWITCHYARD_WEBHOOK_HOSTS
    try {
      process.env.SWITCHYARD_WEBHOOK_HOSTS = `hooks.example.com, 127.0.0.1:${port}`
      expect((await run({ url: `${srv.url}/echo`, body: {} })).status).toBe(201)
      await expect(run({ url: `http://localhost:${port}/echo` })).rejects.toMatchObject({ code: 'VALIDATION' })
      await expect(run({ url: `http://127.0.0.1:${Number(port) + 1}/echo` })).rejects.toMatchObject({ code: 'VALIDATION' })
      await expect(run({ url: `${srv.url}/hop`, retries: 0 })).rejects.toMatchObject({ code: 'UPSTREAM' })
      expect(srv.attempts.get('/echo')).toBe(1)
      delete process.env.SWITCHYARD_WEBHOOK_HOSTS
      expect((await run({ url: `${srv.url}/hop` })).status).toBe(201)
    } finally {
      if (before === undefined) delete process.env.SWITCHYARD_WEBHOOK_HOSTS
      else process.env.SWITCHYARD_WEBHOOK_HOSTS = before
    }
  })
})
