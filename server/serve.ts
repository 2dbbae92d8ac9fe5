import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { DEFAULT_DB_PATH } from '../store/db.js'
import { createApp, type AppDeps } from './app.js'
import { ensureGraphAssistants } from '../runtime/graph-assistants.js'
import { createMetrics, type Metrics } from './metrics.js'
import { attachWebSocket } from './protocol/ws-attach.js'
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.js'
import { DEFAULT_STORE_SWEEP_MS, startStoreSweeper } from '../runtime/store-sweeper.js'

export interface ServeOptions extends Omit<AppDeps, 'rt' | 'metrics'> {
  /** Serve Prometheus metrics at `GET /metrics` (the RunningServer's `metrics` also count runs, given to the run queue). */
  metrics?: boolean
  /** Interface to listen on (default 127.0.0.1: not reachable from other machines). */
  host?: string
  /** Port (default 8123, the SDK's default; 0 picks a free one). */
  port?: number
  /** Database to open a runtime on (default .switchyard/switchyard.db); ignored when `rt` is given. */
  dbPath?: string
  /** Serve this runtime instead of opening one; the caller closes it. */
  rt?: Runtime
  /** Environment for the runtime opened here (model choice); default process.env. */
  env?: NodeJS.ProcessEnv
  /** Graphs to serve (default: the built-ins); ignored when `rt` is given. */
  registry?: RuntimeOptions['registry']
  /** The TTL (minutes) new threads get when their creator gives none; ignored when `rt` is given. */
  threadTtlMinutes?: number
  /** The fields store items are embedded at when a put gives no `index`; ignored when `rt` is given. */
  storeIndexFields?: string[]
  /** How often expired store items and threads are deleted (ms, default 60 000; 0: never; reads skip expired store items anyway). */
  storeSweepMs?: number
}

export interface RunningServer {
  url: string
  host: string
  port: number
  rt: Runtime
  app: Hono
  /** The server's metrics, when asked for (`metrics: true`): hand them to the run queue to count runs. */
  metrics?: Metrics
  /** Stops listening, then closes the runtime if this server opened it. */
  close(): Promise<void>
}

/**
 * Serves the Platform API on `host:port` until `close()`.
 *
 * @example
 * const srv = await startServer({ port: 0, dbPath: join(dir, 'test.db') })
 * const client = new Client({ apiUrl: srv.url })
 */
export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const { host = '127.0.0.1', port = 8123, dbPath = DEFAULT_DB_PATH, rt: given, env, registry, threadTtlMinutes, storeIndexFields, storeSweepMs = DEFAULT_STORE_SWEEP_MS, metrics: withMetrics, ...appOpts } = opts
  const rt = given ?? await openRuntime({ dbPath, env, registry, threadTtlMinutes, storeIndexFields })
  try {
    await ensureGraphAssistants(rt)
    const metrics = withMetrics ? createMetrics(rt) : undefined
    const deps = { ...appOpts, rt, metrics }
    const app = createApp(deps)
    const { server, actualPort } = await new Promise<{ server: Server; actualPort: number }>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: host }, (info) => resolve({ server: s as Server, actualPort: info.port }))
      s.once('error', reject)
    })
    // protocol v2 WebSocket upgrades go through the app's GET route (auth and tenant scope apply)
    const ws = attachWebSocket(server, app, deps)
    const sweeper = storeSweepMs > 0
      ? startStoreSweeper(rt, { intervalMs: storeSweepMs, onError: deps.logError ?? ((e) => console.error(e)) })
      : undefined
    const shown = host.includes(':') ? `[${host}]` : host
    return {
      url: `http://${shown}:${actualPort}`, host, port: actualPort, rt, app, metrics,
      close: async () => {
        await ws.close() // upgraded sockets would keep the server open
        await sweeper?.stop()
        await new Promise<void>((ok, fail) => {
          server.close((e) => (e ? fail(e) : ok()))
          server.closeIdleConnections()
          // a client holding a busy keep-alive socket must not keep the process up forever
          setTimeout(() => server.closeAllConnections(), 2_000).unref()
        })
        if (!given) await rt.close()
      },
    }
  } catch (e) {
    if (!given) await rt.close()
    throw e
  }
}
