import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { runLocally } from '../../runtime/local-run.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer, type ServeOptions } from '../../server/serve.js'

export interface TestServer { srv: RunningServer; rt: Runtime; client: Client; url: string; close(): Promise<void> }

/** A real server on 127.0.0.1:0 over a temp SQLite file, and the official SDK client pointed at it. */
export async function startTestServer(opts: Omit<ServeOptions, 'rt' | 'port' | 'host' | 'env'> & { env?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-server-'))
  const { env, registry, ...serveOpts } = opts
  const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline', ...env }, registry })
  const srv = await startServer({ ...serveOpts, rt, port: 0 })
  // no retries: a test that provokes an error wants the first answer
  const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
  return {
    srv, rt, client, url: srv.url,
    close: async () => {
      await srv.close()
      await rt.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Gives a thread checkpoints, a run row and its event log through the CLI's in-process run path (the
 * same queue row, runner and log as the server): sdlc stops at its first human gate (the analyst review).
 */
export async function runSdlcToFirstGate(rt: Runtime, threadId: string): Promise<void> {
  const r = await runLocally(rt, { kind: 'input', graph: 'sdlc', threadId, input: { task: 'A URL shortener' } }, { onEvent: () => undefined })
  const thread = await rt.runs.getThread(threadId)
  if (thread.status !== 'interrupted') throw new Error(`sdlc did not stop at its gate: ${JSON.stringify(r.settled)}, thread ${thread.status}`)
}

/** A raw JSON request, for what the SDK would never send. */
export async function rawJson(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers: { 'content-type': 'application/json', ...init.headers } })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> }
}

export { until } from '../until.js'
