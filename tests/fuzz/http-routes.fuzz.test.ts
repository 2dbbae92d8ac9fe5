import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { createApp } from '../../server/app.js'
import { parseApiKeys } from '../../server/auth.js'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { protocolRoutes } from '../../server/routes/protocol-routes.js'
import { ragRoutes } from '../../server/routes/rag-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { runSdlcToFirstGate } from '../server/server-harness.js'
import { dbWatcher, ERROR_CODES, fuzzParams } from './fuzz-options.js'

/** An operation of the OpenAPI document: method and path template. */
interface Op { method: string; path: string }

const KNOWN_FIELDS = [
  'assistant_id', 'graph_id', 'input', 'command', 'config', 'context', 'metadata', 'values', 'as_node', 'checkpoint', 'checkpoint_id',
  'thread_id', 'if_exists', 'limit', 'offset', 'sort_by', 'sort_order', 'status', 'stream_mode', 'namespace', 'namespace_prefix',
  'key', 'value', 'index', 'ttl', 'query', 'filter', 'prefix', 'suffix', 'max_depth', 'name', 'description', 'version', 'schedule',
  'multitask_strategy', 'interrupt_before', 'interrupt_after', 'webhook', 'on_completion', 'after_seconds', 'durability', 'select',
  'run_ids', 'action', 'documents', 'text', 'source', 'k', 'response', 'task', 'supersteps', 'thread_ids', 'strategy', 'keep_latest',
]

/** Boundary and garbage values of every JSON type. */
const scalar = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 53), 1e308, 0.5, Number.MAX_SAFE_INTEGER, '', ' ', '0', '-1', 'null', 'true', '*', '%', '../..',
    'team', 'sdlc', 'chat', 'values', 'updates', 'messages', 'interrupt', 'rollback', 'reject', 'enqueue', 'asc', 'desc', 'created_at',
    'idle', 'busy', 'error', 'pending', 'success', '0 0 * * *', '* * * * * * *', 'not-a-uuid', '00000000-0000-0000-0000-000000000000',
    '\u0000', '\uD800', '\uFFFF', 'é', '😀', 'a'.repeat(5000), true, false, null),
  fc.integer(), fc.double(), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.uuid(),
)
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_FIELDS), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 5 })),
})).v

/** An object with the routes' field names, holding values of any type: bodies that get past JSON parsing into the schemas. */
const shaped = fc.dictionary(fc.constantFrom(...KNOWN_FIELDS), jsonish, { maxKeys: 6 })

/** `encodeURIComponent`, with a lone surrogate (which it refuses) sent as its raw UTF-8-ish bytes, as a careless client would. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return '%ED%A0%80'
  }
}

const deep = (n: number, open: string, close: string, leaf = '1') => open.repeat(n) + leaf + close.repeat(n)

/** A request body as bytes: valid-shaped JSON, any JSON, malformed JSON, invalid UTF-8, deeply nested, huge. */
const body: fc.Arbitrary<Uint8Array | string | undefined> = fc.oneof(
  { weight: 6, arbitrary: shaped.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: shaped.map((o) => JSON.stringify(o).slice(0, -1)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"metadata":{"k":"'), Buffer.from(b), Buffer.from('"}}')])) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('{"input":"\xc3\x28"}', 'latin1'), Buffer.from('{"a":"\\ud800"}'), Buffer.from('\ufeff{}')) },
  { weight: 2, arbitrary: fc.constantFrom(600, 3_000, 20_000, 100_000).chain((n) => fc.constantFrom(
    deep(n, '[', ']'), deep(n, '{"a":', '}'), `{"metadata":${deep(n, '{"a":', '}')}}`, `{"input":${deep(n, '[', ']')}}`,
    `{"assistant_id":"team","input":${deep(n, '{"task":', '}', '"x"')}}`, `{"values":${deep(n, '[', ']')}}`, `{"value":${deep(n, '{"a":', '}')},"namespace":["n"],"key":"k"}`,
  )) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(1024 * 1024 + 1), `{"input":"${'y'.repeat(900_000)}"}`, JSON.stringify({ metadata: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) })) },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

const QUERY_KEYS = ['limit', 'offset', 'status', 'stream_mode', 'namespace', 'prefix', 'key', 'select', 'subgraphs', 'xray', 'cancel_on_disconnect', 'wait', 'action', 'metadata', 'refresh_ttl', 'before', 'checkpoint_ns', 'fields', 'since']
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })), fc.oneof(scalar.map(String), fc.string({ maxLength: 20 }))), { maxLength: 4 })

const headers = fc.record({
  'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ''),
  'last-event-id': fc.option(fc.oneof(fc.constantFrom('-1', '0', '999999999999', 'abc', ''), fc.string({ maxLength: 10 })), { nil: undefined }),
  traceparent: fc.option(fc.oneof(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), fc.string({ maxLength: 60 })), { nil: undefined }),
  accept: fc.option(fc.constantFrom('text/event-stream', 'application/json', '*/*', 'garbage'), { nil: undefined }),
  'x-api-key': fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
}, { requiredKeys: ['content-type'] })

/** Outcome of one request: what the invariants look at. */
interface Outcome { status: number; body: string; contentType: string }

describe('fuzz: every route of GET /openapi.json (bodies, query strings, headers, path parameters)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-fuzz-http-'))
  let rt: Runtime
  let app: Hono
  let authApp: Hono
  let ops: Op[]
  let watch: ReturnType<typeof dbWatcher>
  const ids: Record<string, string[]> = {}
  const stats = { cases: 0, byStatus: new Map<number, number>(), rejectedChecked: 0, timedOut: 0 }

  beforeAll(async () => {
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
    // no run queue: runs stay pending, so the database changes only by the fuzzed requests
    const routes = [runsRoutes, cronsRoutes, workflowsRoutes, protocolRoutes, ragRoutes]
    app = createApp({ rt, routes, logError: () => undefined })
    authApp = createApp({ rt, routes, apiKeys: parseApiKeys('fuzz-key-aaaa=tenantA'), logError: () => undefined })
    const doc = await (await app.request('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> }
    ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((m) => ({ method: m.toUpperCase(), path })))
    // real ids to aim at: a thread with checkpoints, a run and its events, an assistant, a store item, a cron
    const thread = randomUUID()
    await runSdlcToFirstGate(rt, thread)
    const run = (await rt.runs.listRuns(thread))[0]!
    const state = await (await app.request(`/threads/${thread}/state`)).json() as { checkpoint: { checkpoint_id: string } }
    const assistant = await (await app.request('/assistants', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph_id: 'team', name: 'fuzzed' }) })).json() as { assistant_id: string }
    await app.request('/store/items', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ namespace: ['fuzz'], key: 'k', value: { a: 1 } }) })
    const cron = await (await app.request('/runs/crons', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assistant_id: 'team', schedule: '0 0 1 1 *', input: { task: 'x' } }) })).json() as { cron_id: string }
    Object.assign(ids, {
      thread_id: [thread], run_id: [run.run_id], checkpoint_id: [state.checkpoint.checkpoint_id], id: [assistant.assistant_id, 'team', thread, 'k'],
      cron_id: [cron.cron_id], graph_id: ['team', 'sdlc', 'chat', 'greenfield-sdlc'], name: ['default', 'fuzz'], namespace: ['', 'researcher', 'a|b'],
    })
    watch = dbWatcher(join(dir, 'sy.db'))
  })
  afterAll(async () => {
    watch?.close()
    await rt.close()
    rmSync(dir, { recursive: true, force: true })
    console.log(`http fuzz: ${stats.cases} requests over ${ops?.length} operations; statuses ${JSON.stringify(Object.fromEntries(stats.byStatus))}; ${stats.rejectedChecked} rejected requests checked unchanged; ${stats.timedOut} still waiting (pending runs/wait)`)
  })

  /** A path parameter: a real id, a fresh uuid, or garbage (encoded, or raw when the URL stays parseable). */
  const param = (name: string) => fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(ids[name] ?? ids.id!)) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.oneof(scalar.map(String), fc.string({ maxLength: 30 })).map(enc) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '..', '.', '%2F', 'a%2Fb', '%C3%28', '%ED%A0%80', 'x'.repeat(3000)) },
  )

  const request = (o: Op) => fc.record({
    params: fc.tuple(...[...o.path.matchAll(/\{(\w+)\}/g)].map((m) => param(m[1]!))),
    query, headers, body: o.method === 'GET' || o.method === 'HEAD' ? fc.constant(undefined) : body,
    optional: fc.boolean(),
  }).map((r) => {
    let i = 0
    // `{namespace}?`: an optional trailing parameter
    const path = o.path.replace(/\{(\w+)\}(\?)?/g, (_m, _n: string, opt?: string) => (opt && r.optional ? '' : r.params[i++] ?? '')).replace(/\/$/, '') || '/'
    const qs = r.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
    const url = `http://fuzz.local${path}${qs ? `?${qs}` : ''}`
    const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('latin1')
    // counterexamples print short: a 100,000-level body would bury the report
    const shown = () => `${o.method} ${url.slice(0, 300)} ${JSON.stringify(r.headers)} body(${text.length}) ${JSON.stringify(text.slice(0, 300))}`
    return { method: o.method, url, headers: Object.fromEntries(Object.entries(r.headers).filter(([, v]) => v !== undefined)) as Record<string, string>, body: r.body, [fc.toStringMethod]: shown }
  })

  async function send(target: Hono, req: { method: string; url: string; headers: Record<string, string>; body: Uint8Array | string | undefined }): Promise<Outcome | undefined> {
    const abort = new AbortController()
    let request: Request
    try {
      request = new Request(req.url, { method: req.method, headers: req.headers, body: req.body as ConstructorParameters<typeof Request>[1] extends infer I ? I extends { body?: infer B } ? B : never : never, signal: abort.signal })
    } catch (e) {
      // a URL or header the Fetch API refuses to carry never reaches a server
      if (e instanceof TypeError) return undefined
      throw e
    }
    const res = Promise.resolve(target.request(request))
    // runs/wait and /api/workflows/execute hold the answer until the run ends (no queue here: never)
    const timer = new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 1_500).unref())
    const r = await Promise.race([res, timer])
    if (!r) {
      abort.abort()
      stats.timedOut++
      return undefined
    }
    const contentType = r.headers.get('content-type') ?? ''
    // a stream (SSE) that started is a 2xx: its body would follow a run that never runs
    if (contentType.startsWith('text/event-stream')) {
      await r.body?.cancel()
      return { status: r.status, body: '', contentType }
    }
    return { status: r.status, body: await r.text(), contentType }
  }

  function checkAnswer(req: { method: string; url: string }, out: Outcome) {
    stats.byStatus.set(out.status, (stats.byStatus.get(out.status) ?? 0) + 1)
    const where = `${req.method} ${req.url.slice(0, 200)} → ${out.status} ${out.body.slice(0, 300)}`
    expect(out.status, where).toBeLessThan(500)
    if (out.status >= 400) {
      expect(out.contentType, where).toMatch(/^application\/json/)
      const err = JSON.parse(out.body) as { code?: string; message?: unknown }
      expect(ERROR_CODES.has(String(err.code)), where).toBe(true)
      expect(typeof err.message, where).toBe('string')
    }
  }

  it('answers every request below 500, errors as JSON with a code of the closed set; a rejected request changes nothing', async () => {
    expect(ops.length).toBeGreaterThan(50)
    const perOp = 70
    let digest = watch.digest()
    let version = watch.version()
    for (const o of ops) {
      await fc.assert(fc.asyncProperty(request(o), async (req) => {
        if (watch.version() !== version) {
          digest = watch.digest()
          version = watch.version()
        }
        const out = await send(app, req)
        stats.cases++
        if (!out) return
        checkAnswer(req, out)
        if (out.status >= 400 && watch.version() !== version) {
          expect(watch.digest(), `${req.method} ${req.url.slice(0, 200)} was rejected (${out.status} ${out.body.slice(0, 200)}) but changed the database`).toBe(digest)
        }
        if (out.status >= 400) stats.rejectedChecked++
      }), fuzzParams(perOp))
    }
    expect((await app.request('/ok')).status).toBe(200)
  }, 600_000)

  it('with API keys: any key header, missing, wrong or garbage, gets a typed 401 or the route\'s answer, never a 5xx', async () => {
    const authHeaders = fc.record({
      'x-api-key': fc.option(fc.oneof(fc.constantFrom('fuzz-key-aaaa', 'fuzz-key-aaab', '', ' ', 'fuzz-key-aaaé'), fc.string({ maxLength: 30 })), { nil: undefined }),
      authorization: fc.option(fc.oneof(fc.constantFrom('Bearer fuzz-key-aaaa', 'Bearer', 'Bearer ', 'bearer fuzz-key-aaaa', 'Basic Zm9vOmJhcg=='), fc.string({ maxLength: 30 }).map((s) => `Bearer ${s}`)), { nil: undefined }),
      upgrade: fc.option(fc.constantFrom('websocket', 'h2c'), { nil: undefined }),
      'sec-websocket-protocol': fc.option(fc.oneof(fc.constant('x-api-key.ZnV6ei1rZXktYWFhYQ'), fc.string({ maxLength: 30 }).map((s) => `x-api-key.${s}`)), { nil: undefined }),
    })
    const safe = ops.filter((o) => o.method === 'GET' && !o.path.includes('stream') && !o.path.includes('join'))
    await fc.assert(fc.asyncProperty(fc.constantFrom(...safe), authHeaders, fc.constantFrom(...ids.thread_id!, randomUUID()), async (o, h, thread) => {
      const path = o.path.replace('{thread_id}', thread).replace(/\{(\w+)\}\??/g, (_m, n: string) => ids[n]?.[0] ?? 'x')
      const hs = Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined))
      let res: Response
      try {
        res = await authApp.request(path, { headers: hs })
      } catch (e) {
        // a header value the Fetch API refuses to carry never reaches a server
        if (e instanceof TypeError) return
        throw e
      }
      stats.cases++
      checkAnswer({ method: 'GET', url: path }, { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' })
    }), fuzzParams(600))
  }, 300_000)
})
