import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROTOCOL_METHODS } from '../../server/protocol/command-dispatch.js'
import { parseApiKeys } from '../../server/auth.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { protocolRoutes } from '../../server/routes/protocol-routes.js'
import { ragRoutes } from '../../server/routes/rag-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { RawProtocolClient } from './protocol-harness.js'
import { COMMAND_ATTACKS, ROUTE_ATTACKS, type Attack, type Ids } from './tenant-isolation-coverage.js'

const KEY_A = 'key-of-alice'
const KEY_B = 'key-of-bob01'
/** In A's every piece of content: B's answers must never contain it. */
const MARK = 'alice-secret-7f3a'

type Answer = { status: number; text: string; code?: string }

/**
 * Generated, not hand-picked: every route of `GET /openapi.json` and every protocol v2 command, each
 * attacked by tenant B with tenant A's ids (tests/server/tenant-isolation-coverage.ts says how). Every
 * attempt answers 404 where it names A's data, or exactly what ids of nobody get; no answer carries A's
 * ids or content; A's data, read as A, is the same afterwards.
 */
describe('tenant isolation on every route and command (real server, two API keys)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-isolation-'))
  let rt: Runtime
  let srv: RunningServer
  let queue: RunQueue
  let A: Ids
  let routes: string[]

  const call = async (key: string, method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${srv.url}${path}`, {
      method, headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    })
    // a stream of B's own is read to its end (never A's: those are refused before streaming)
    const text = await res.text()
    let code: string | undefined
    try { code = (JSON.parse(text) as { code?: string }).code } catch { /* SSE or empty */ }
    return { status: res.status, text, code }
  }
  const asA = async (method: string, path: string, body?: unknown) => {
    const r = await call(KEY_A, method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path} as A: ${r.status} ${r.text}`)
    return r.text ? JSON.parse(r.text) as Record<string, unknown> : undefined
  }
  const fill = (route: string, a: Attack, ids: Ids) => {
    const [method, tpl] = route.split(' ') as [string, string]
    const params = a.path?.(ids) ?? {}
    let path = tpl.replace(/\{(\w+)\}\??/g, (_m, name: string) => {
      if (!(name in params)) throw new Error(`${route}: no value for {${name}}`)
      return params[name] === '' ? '' : encodeURIComponent(params[name]!)
    }).replace(/\/$/, '')
    const q = a.query?.(ids)
    if (q) path += `?${new URLSearchParams(q)}`
    return { method, path, body: a.body?.(ids) }
  }
  const unknownIds = (): Ids => ({
    ...A, thread: randomUUID(), thread2: randomUUID(), run: randomUUID(), pendingRun: randomUUID(), checkpoint: randomUUID(),
    interrupt: randomUUID().replaceAll('-', ''), cron: randomUUID(), assistant: randomUUID(), collection: `nobody-${randomUUID()}`,
    docId: '999999', namespace: `nobody${randomUUID().slice(0, 8)}`, key: 'k-nobody',
  })
  /** A's ids and content in an answer, but for those B sent itself (an error may name the id it was asked for). */
  const leaks = (text: string, sent = '') =>
    [MARK, A.thread, A.thread2, A.run, A.pendingRun, A.checkpoint, A.cron, A.assistant, A.collection].filter((s) => text.includes(s) && !sent.includes(s))

  /** Everything of A's, read as A. */
  const snapshotA = async () => ({
    threads: await Promise.all([A.thread, A.thread2].map(async (t) => ({
      thread: await asA('GET', `/threads/${t}`), state: await asA('GET', `/threads/${t}/state`),
      history: await asA('POST', `/threads/${t}/history`, { limit: 100 }), runs: await asA('GET', `/threads/${t}/runs`),
    }))),
    search: await asA('POST', '/threads/search', { limit: 1000 }),
    crons: await asA('POST', '/runs/crons/search', { limit: 1000 }),
    item: await asA('GET', `/store/items?namespace=${A.namespace}&key=${A.key}`),
    assistants: await asA('POST', '/assistants/search', { limit: 1000 }),
    versions: await asA('POST', `/assistants/${A.assistant}/versions`, {}),
    collections: await asA('GET', '/rag/collections'),
    documents: await asA('GET', `/rag/collections/${A.collection}/documents`),
    workflows: await asA('GET', '/api/workflows'),
  })

  beforeAll(async () => {
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
    queue = await startRunQueue(rt)
    srv = await startServer({
      rt, port: 0, apiKeys: parseApiKeys(`${KEY_A}=alice,${KEY_B}=bob`),
      routes: [runsRoutes, cronsRoutes, workflowsRoutes, protocolRoutes, ragRoutes], logError: () => undefined,
    })
    const doc = await asA('GET', '/openapi.json') as { paths: Record<string, Record<string, unknown>> }
    routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))

    const assistant = await asA('POST', '/assistants', { graph_id: 'team', name: `assistant ${MARK}`, metadata: { owner: 'alice' } }) as { assistant_id: string }
    const thread = await asA('POST', '/threads', { metadata: { owner: 'alice', note: MARK } }) as { thread_id: string }
    const wait = await asA('POST', `/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'sdlc', input: { task: `A URL shortener ${MARK}` } }) as { __interrupt__?: { id: string }[] }
    const [run] = await asA('GET', `/threads/${thread.thread_id}/runs`) as unknown as { run_id: string }[]
    const state = await asA('GET', `/threads/${thread.thread_id}/state`) as { checkpoint: { checkpoint_id: string } }
    const thread2 = await asA('POST', '/threads', { metadata: { owner: 'alice' } }) as { thread_id: string }
    const pending = await asA('POST', `/threads/${thread2.thread_id}/runs`, { assistant_id: 'team', input: { task: MARK }, after_seconds: 3600 }) as { run_id: string }
    const cron = await asA('POST', `/threads/${thread2.thread_id}/runs/crons`, { assistant_id: assistant.assistant_id, schedule: '0 0 1 1 *', input: { task: MARK } }) as { cron_id: string }
    await asA('POST', '/runs/crons', { assistant_id: assistant.assistant_id, schedule: '0 0 1 1 *', input: { task: MARK } })
    await asA('PUT', '/store/items', { namespace: ['alicens'], key: 'k1', value: { text: MARK } })
    const collection = 'alice-docs-91c'
    const ingested = await asA('POST', `/rag/collections/${collection}/documents`, { documents: [{ source: `alice-file-${MARK}`, text: `alice text ${MARK}` }] }) as { documents: { id: number }[] }
    const own = await call(KEY_B, 'POST', '/threads', { metadata: { owner: 'bob' } })
    A = {
      thread: thread.thread_id, thread2: thread2.thread_id, run: run!.run_id, pendingRun: pending.run_id,
      checkpoint: state.checkpoint.checkpoint_id, interrupt: wait.__interrupt__?.[0]?.id ?? 'none', cron: cron.cron_id,
      assistant: assistant.assistant_id, collection, docId: String(ingested.documents[0]!.id), namespace: 'alicens', key: 'k1',
      own: (JSON.parse(own.text) as { thread_id: string }).thread_id,
    }
    expect(A.interrupt).not.toBe('none')
  }, 120_000)
  afterAll(async () => { await srv.close(); await queue.stop(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('has a coverage entry for every route of the OpenAPI document and every protocol command, and none for a route that is gone', () => {
    expect(routes.length).toBeGreaterThan(60)
    expect(routes.filter((r) => !(r in ROUTE_ATTACKS)), 'routes without an entry in tenant-isolation-coverage.ts').toEqual([])
    expect(Object.keys(ROUTE_ATTACKS).filter((r) => !routes.includes(r)), 'entries for routes that do not exist').toEqual([])
    expect(PROTOCOL_METHODS.filter((m) => !(m in COMMAND_ATTACKS))).toEqual([])
    expect(Object.keys(COMMAND_ATTACKS).filter((m) => !PROTOCOL_METHODS.includes(m))).toEqual([])
  })

  it("B gets 404 or nobody's answer on every route, never A's data, and A's data is unchanged", async () => {
    const before = await snapshotA()
    const failures: string[] = []
    for (const route of routes) {
      for (const attack of ROUTE_ATTACKS[route] ?? []) {
        const req = fill(route, attack, A)
        const got = await call(KEY_B, req.method, req.path, req.body)
        const where = `${req.method} ${req.path} ${JSON.stringify(req.body) ?? ''}`.slice(0, 200)
        if (got.status >= 500) failures.push(`${where}: ${got.status} ${got.text.slice(0, 200)}`)
        if (got.status === 403) failures.push(`${where}: 403 (an existence leak)`)
        const leaked = leaks(got.text, `${req.path} ${JSON.stringify(req.body)} ${decodeURIComponent(req.path)}`)
        if (leaked.length) failures.push(`${where}: answer contains A's ${leaked.join(', ')}`)
        if (attack.expect === 404) {
          if (got.status !== 404 || got.code !== 'NOT_FOUND') failures.push(`${where}: ${got.status} ${got.text.slice(0, 160)}, want 404`)
        } else {
          const ctlIds = unknownIds()
          const ctl = fill(route, attack, ctlIds)
          const control = await call(KEY_B, ctl.method, ctl.path, ctl.body)
          if (control.status !== got.status || control.code !== got.code) {
            failures.push(`${where}: ${got.status} ${got.code ?? ''} but ${control.status} ${control.code ?? ''} for ids of nobody`)
          }
          if (attack.undo) for (const ids of [A, ctlIds]) { const u = attack.undo(ids); await call(KEY_B, u.method, u.path, u.body) }
        }
      }
    }
    expect(failures).toEqual([])
    expect(await snapshotA()).toEqual(before)
  }, 300_000)

  it("B's protocol commands carrying A's ids answer as for nobody's, and B cannot open A's thread", async () => {
    const before = await snapshotA()
    const wsUrl = (t: string) => `${srv.url.replace('http', 'ws')}/threads/${t}/stream/events`
    expect(await RawProtocolClient.refusal(wsUrl(A.thread), { 'x-api-key': KEY_B })).toBe(404)
    const b = await RawProtocolClient.open(wsUrl(A.own), { 'x-api-key': KEY_B })
    const failures: string[] = []
    for (const method of PROTOCOL_METHODS) {
      for (const params of COMMAND_ATTACKS[method] ?? []) {
        const sent = JSON.stringify(params(A))
        const got = await b.command(method, params(A))
        const control = await b.command(method, params(unknownIds()))
        const leaked = leaks(JSON.stringify(got), sent)
        if (leaked.length) failures.push(`${method}: answer contains A's ${leaked.join(', ')}`)
        const shape = (f: Record<string, unknown>) => [f.type, (f as { error?: string }).error ?? '', (f as { code?: string }).code ?? '']
        if (JSON.stringify(shape(got)) !== JSON.stringify(shape(control))) failures.push(`${method}: ${JSON.stringify(got).slice(0, 200)} vs nobody's ${JSON.stringify(control).slice(0, 200)}`)
        if ((got as { code?: string }).code === 'INTERNAL') failures.push(`${method}: internal error ${JSON.stringify(got).slice(0, 200)}`)
      }
    }
    // whatever B's session received (answers, replayed and live events), none of it is A's
    // frames arrive in order: once this answer is in, everything sent before it is too
    await b.command('state.get', {})
    const leaked = leaks(JSON.stringify(b.frames.filter((f) => f.type === 'event')))
    await b.close()
    expect(failures).toEqual([])
    expect(leaked).toEqual([])
    expect(await snapshotA()).toEqual(before)
  }, 120_000)
})
