import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyProtocol } from '../../server/auth.js'
import { defaultFakeScript, startFakeOpenAI, type FakeOpenAI, type FakeScript } from '../agents/fake-openai-server.js'
import { ROOT, runCli, spawnServe, stopChild, tempDb } from '../cli/cli-harness.js'
import { startOtlpReceiver } from '../cli/otlp-receiver.js'
import { isRootEnd, RawProtocolClient } from './protocol-harness.js'

// known values, each long and unlike anything else the process writes, so one occurrence anywhere is a leak
const KEY_A = 'sy-secret-keyA-7f3c9e1a55d0'
const KEY_B = 'sy-secret-keyB-41d2b8c0e6f9'
const OPENAI_KEY = 'sk-secret-openai-5e8a77b2c9d1f0'
const EMBED_KEY = 'sk-secret-embed-93bb01aa7c24'
const WRONG_KEY = 'sy-secret-wrong-0c1d2e3f4a5b'

/** Every form a secret may leave in: as it is, base64url (the WebSocket subprotocol), base64, in a Bearer header. */
const FORMS = [KEY_A, KEY_B, OPENAI_KEY, EMBED_KEY, WRONG_KEY].flatMap((k) => [
  k, Buffer.from(k).toString('base64url'), Buffer.from(k).toString('base64'),
])

/**
 * The fake model refuses any task containing FAIL-401 the way a careless OpenAI-compatible server does:
 * a 401 whose message echoes the Authorization header it got (OpenAI itself masks it; others do not).
 */
const script: FakeScript = (body, i, headers) => {
  if (JSON.stringify(body.messages).includes('FAIL-401')) {
    return { status: 401, error: `Incorrect API key provided: ${String(headers?.authorization)}; key ${String(headers?.authorization).replace(/^Bearer /, '')} is revoked` }
  }
  return defaultFakeScript(body, i)
}

/**
 * A user project (langgraph.json) whose graph's own node quotes the keys it can read in the error it throws:
 * no span or tool wrapper of Switchyard's runs around it, so its text reaches LangGraph's `__error__`
 * checkpoint write as thrown.
 */
function leakyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-secrets-project-'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'leaky', private: true, type: 'module' }))
  writeFileSync(join(dir, 'langgraph.json'), JSON.stringify({ graphs: { leaky: './src/leaky.js:graph' } }))
  writeFileSync(join(dir, 'src/leaky.js'), `import { Annotation, StateGraph } from '@langchain/langgraph'
const S = Annotation.Root({ task: Annotation() })
const call = () => { throw new Error('upstream refused key ' + process.env.OPENAI_API_KEY + ' for callers ' + process.env.SWITCHYARD_API_KEYS) }
export const graph = new StateGraph(S).addNode('call', call).addEdge('__start__', 'call').addEdge('call', '__end__').compile()
`)
  return dir
}

/** Every file of a folder, bytes as latin1 (a secret is ASCII: it matches byte for byte). */
const folderBytes = (dir: string) => readdirSync(dir).map((f) => ({ file: f, text: readFileSync(join(dir, f)).toString('latin1') }))

/** The secrets found in `text`, by form, with some context to tell where. */
function leaks(where: string, text: string): string[] {
  return FORMS.flatMap((f) => {
    const at = text.indexOf(f)
    return at < 0 ? [] : [`${where}: ${f} in …${text.slice(Math.max(0, at - 120), at + f.length + 40)}…`]
  })
}

describe('secrets never leave: API keys, OPENAI_API_KEY and Authorization headers stay out of logs, the database, spans and error bodies', () => {
  const t = tempDb()
  let fake: FakeOpenAI
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>
  const bodies: string[] = []
  let serveOut = ''
  let serveErr = ''
  const cliOut: string[] = []
  const project = leakyProject()
  const config = join(project, 'langgraph.json')

  const env = () => ({
    SWITCHYARD_API_KEYS: `${KEY_A}=tenantA,${KEY_B}=tenantB`,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: fake.url,
    SWITCHYARD_EMBEDDINGS_API_KEY: EMBED_KEY,
    SWITCHYARD_MODEL: 'fake-model',
    SWITCHYARD_LOG_LEVEL: 'trace',
    SWITCHYARD_TRACE_CONTENT: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  })

  /** A request whose answer body is kept for the grep. */
  const call = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, init)
    const text = await res.text()
    bodies.push(`${init.method ?? 'GET'} ${url} → ${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`)
    return { status: res.status, text }
  }

  beforeAll(async () => {
    fake = await startFakeOpenAI(script)
    otlp = await startOtlpReceiver()
  })
  afterAll(async () => { await fake.close(); await otlp.close(); t.cleanup(); rmSync(project, { recursive: true, force: true }) })

  it('makes runs, good and failing, through switchyard serve and switchyard run with known secrets', async () => {
    const serve = spawnServe(['--db', t.db, '--config', config, '--builtins'], env())
    serve.child.stdout?.on('data', (d: Buffer) => { serveOut += d.toString() })
    serve.child.stderr?.on('data', (d: Buffer) => { serveErr += d.toString() })
    let code: number | null
    try {
      const url = await serve.url
      const json = { 'content-type': 'application/json' }
      // refused: no key, a wrong key, the model's key presented as an API key, a Bearer header with a wrong key
      expect((await call(`${url}/assistants/search`, { method: 'POST', headers: json, body: '{}' })).status).toBe(401)
      expect((await call(`${url}/threads`, { method: 'POST', headers: { ...json, 'x-api-key': WRONG_KEY }, body: '{}' })).status).toBe(401)
      expect((await call(`${url}/threads`, { method: 'POST', headers: { ...json, 'x-api-key': OPENAI_KEY }, body: '{}' })).status).toBe(401)
      expect((await call(`${url}/threads/search`, { method: 'POST', headers: { ...json, authorization: `Bearer ${WRONG_KEY}` }, body: '{}' })).status).toBe(401)
      // malformed requests from a tenant: their error bodies too
      const asA = { ...json, authorization: `Bearer ${KEY_A}` }
      expect((await call(`${url}/threads`, { method: 'POST', headers: asA, body: '{"metadata": ' })).status).toBe(400)
      expect((await call(`${url}/threads/${randomUUID()}`, { headers: asA })).status).toBe(404)
      expect((await call(`${url}/threads/${randomUUID()}/runs/wait`, { method: 'POST', headers: asA, body: JSON.stringify({ assistant_id: 'nope' }) })).status).toBe(404)

      // a run that succeeds (model calls with the key) and one whose model call fails with the echoing 401
      const client = new Client({ apiUrl: url, apiKey: KEY_A, callerOptions: { maxRetries: 0 } })
      const ok = await client.threads.create({ metadata: { purpose: 'secrets' } })
      const good = await client.runs.wait(ok.thread_id, 'team', { input: { task: 'What is BM25?' } })
      expect(JSON.stringify(good)).toContain('fake-llm')
      const bad = await client.threads.create()
      const failed = await call(`${url}/threads/${bad.thread_id}/runs/wait`, { method: 'POST', headers: asA, body: JSON.stringify({ assistant_id: 'team', input: { task: 'FAIL-401 please' } }) })
      expect(failed.text).toMatch(/401|Incorrect API key/)
      // the failed run as every reader sees it: its row, its joined stream, its thread's state and history
      const [run] = await client.runs.list(bad.thread_id)
      expect(run!.status).toBe('error')
      await call(`${url}/threads/${bad.thread_id}/runs/${run!.run_id}`, { headers: asA })
      await call(`${url}/threads/${bad.thread_id}/runs/${run!.run_id}/stream`, { headers: { ...asA, 'last-event-id': '-1' } })
      await call(`${url}/threads/${bad.thread_id}/state`, { headers: asA })
      await call(`${url}/threads/${bad.thread_id}/history`, { method: 'POST', headers: asA, body: '{}' })
      await call(`${url}/threads/${bad.thread_id}`, { headers: asA })
      // a streamed failing run: the error event of the SSE stream
      const streamed = await call(`${url}/threads/${bad.thread_id}/runs/stream`, { method: 'POST', headers: asA, body: JSON.stringify({ assistant_id: 'team', input: { task: 'FAIL-401 streamed' }, stream_mode: ['values', 'updates', 'debug', 'events'] }) })
      expect(streamed.text).toMatch(/event: error/)
      // the langgraph.json graph whose node quotes the keys: its run, state (the task's error) and history
      const leaky = await client.threads.create()
      const leaked = await call(`${url}/threads/${leaky.thread_id}/runs/wait`, { method: 'POST', headers: asA, body: JSON.stringify({ assistant_id: 'leaky', input: { task: 'quote the keys' } }) })
      expect(leaked.text).toMatch(/upstream refused key/)
      const [leakyRun] = await client.runs.list(leaky.thread_id)
      expect(leakyRun!.status).toBe('error')
      const leakyState = await call(`${url}/threads/${leaky.thread_id}/state`, { headers: asA })
      expect(leakyState.text).toMatch(/upstream refused key \[REDACTED\]/)
      await call(`${url}/threads/${leaky.thread_id}/history`, { method: 'POST', headers: asA, body: '{}' })

      // the WebSocket with the key as a subprotocol (its base64url form is a secret too), a failing run over it
      const wsUrl = `${url.replace('http', 'ws')}/threads/${randomUUID()}/stream/events`
      const ws = await RawProtocolClient.open(wsUrl, {}, [keyProtocol(KEY_B), 'langgraph'])
      await ws.command('subscription.subscribe', { channels: ['lifecycle', 'values', 'messages'] })
      await ws.command('run.start', { assistant_id: 'team', input: { task: 'FAIL-401 over the socket' } })
      await ws.waitFor(isRootEnd)
      bodies.push(JSON.stringify(ws.frames))
      await ws.close()
      expect(await RawProtocolClient.refusal(wsUrl, {}, [keyProtocol(WRONG_KEY)])).toBe(401)
    } finally {
      code = await stopChild(serve.child)
    }
    expect(code).toBe(0)
    expect(fake.requests.length).toBeGreaterThan(2)

    // the CLI, in-process runs against the same database: a good run, a failing one, and its error output
    const good = await runCli(['run', 'team', '--input', 'What is a checkpoint?', '--db', t.db, '--json'], env())
    expect(good.code, good.stderr).toBe(0)
    const bad = await runCli(['run', 'team', '--input', 'FAIL-401 from the CLI', '--db', t.db, '--json'], env())
    expect(bad.code).not.toBe(0)
    const badText = await runCli(['run', 'team', '--input', 'FAIL-401 from the CLI, text output', '--db', t.db], { ...env(), SWITCHYARD_DEBUG: '1' })
    expect(badText.code).not.toBe(0)
    expect(badText.stderr + badText.stdout).toMatch(/401|Incorrect API key/)
    cliOut.push(good.stdout, good.stderr, bad.stdout, bad.stderr, badText.stdout, badText.stderr)
  })

  it('finds none of them in the logs, the database files, the exported spans or any answer', async () => {
    expect(serveErr).toMatch(/"msg":"request"/)
    expect(otlp.bodies.length).toBeGreaterThan(0)
    expect(otlp.bodies.join('\n')).toContain('401')
    const found = [
      ...leaks('serve stdout', serveOut),
      ...leaks('serve log (stderr)', serveErr),
      ...cliOut.flatMap((o, i) => leaks(`cli output ${i}`, o)),
      ...folderBytes(t.dir).flatMap(({ file, text }) => leaks(`database file ${file}`, text)),
      ...otlp.bodies.flatMap((b, i) => leaks(`OTLP export ${i}`, b)),
      ...bodies.flatMap((b) => leaks(`HTTP answer ${b.slice(0, 80)}`, b)),
    ]
    expect(found).toEqual([])
    // and the echoed key did travel to each of them, redacted: the grep looked where the leak would have been
    const marked = (s: string) => s.includes('Bearer [REDACTED]')
    expect(folderBytes(t.dir).some(({ text }) => marked(text))).toBe(true)
    // the user graph's error reached the database (run row, events, `__error__` write), redacted
    expect(folderBytes(t.dir).some(({ text }) => text.includes('upstream refused key [REDACTED]'))).toBe(true)
    expect(otlp.bodies.some(marked)).toBe(true)
    expect(bodies.filter(marked).length).toBeGreaterThanOrEqual(4)
    expect(cliOut.some(marked)).toBe(true)
  })
})
