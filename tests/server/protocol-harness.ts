import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Client } from '@langchain/langgraph-sdk'
import { WebSocket as WsWebSocket } from 'ws'
import type { GraphRegistry } from '../../graphs/registry.js'
import { createApp, type AppDeps } from '../../server/app.js'
import { ensureGraphAssistants } from '../../runtime/graph-assistants.js'
import { attachWebSocket, type WebSocketAttachment } from '../../server/protocol/ws-attach.js'
import { protocolRoutes } from '../../server/routes/protocol-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'

/**
 * The SDK's WebSocket transport uses the global `WebSocket`: Node 22 has it, Node 20 only with
 * `--experimental-websocket` (e.g. `NODE_OPTIONS=--experimental-websocket`, or vitest `execArgv`).
 * Without it, the SDK gets `ws`'s client, which implements the same WHATWG interface.
 */
export const NATIVE_WEBSOCKET = typeof globalThis.WebSocket === 'function'
if (!NATIVE_WEBSOCKET) (globalThis as { WebSocket?: unknown }).WebSocket = WsWebSocket

export interface ProtocolServer {
  rt: Runtime
  url: string
  ws: WebSocketAttachment
  client: Client
  /** ws://.../threads/{id}/stream/events */
  wsUrl(threadId: string): string
  stop(): Promise<void>
}

/**
 * A real server on 127.0.0.1:0 over `dbPath`, started the way server/serve.ts starts one, plus the
 * WebSocket attachment and the run queue; the official SDK client points at it. `opts.registry`: other graphs
 * than the built-ins (test graphs).
 */
export async function bootProtocolServer(dbPath: string, env: Record<string, string> = {}, opts: Omit<AppDeps, 'rt'> & { registry?: GraphRegistry } = {}): Promise<ProtocolServer> {
  const { registry, ...app } = opts
  const rt = await openRuntime({ dbPath, env: { SWITCHYARD_MODEL: 'offline', ...env }, registry })
  await ensureGraphAssistants(rt)
  const queue = await startRunQueue(rt)
  const deps: AppDeps = { rt, routes: [runsRoutes, protocolRoutes], heartbeatMs: 2_000, ...app }
  const hono = createApp(deps)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server))
    s.once('error', reject)
  })
  const ws = attachWebSocket(server, hono, deps)
  const { port } = server.address() as { port: number }
  const url = `http://127.0.0.1:${port}`
  return {
    rt, url, ws,
    client: new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } }),
    wsUrl: (threadId) => `ws://127.0.0.1:${port}/threads/${encodeURIComponent(threadId)}/stream/events`,
    async stop() {
      await ws.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await queue.stop()
      await rt.close()
    },
  }
}

/** A frame as the server sends it. */
export type Frame = Record<string, unknown> & { type: string; id?: number | null; seq?: number; event_id?: string; method?: string; params?: { namespace: string[]; data: Record<string, unknown> } }

/** A bare protocol client on `ws`, for what the SDK never sends (bad frames, subscription.reconnect). */
export class RawProtocolClient {
  readonly frames: Frame[] = []
  #waiters: (() => void)[] = []
  #nextId = 1

  private constructor(readonly socket: WsWebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame)
      for (const w of this.#waiters.splice(0)) w()
    })
  }

  static open(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<RawProtocolClient> {
    return new Promise((resolve, reject) => {
      const s = new WsWebSocket(url, protocols, { headers })
      s.once('open', () => resolve(new RawProtocolClient(s)))
      s.once('error', reject)
    })
  }

  /** The HTTP status an upgrade is refused with (it must be refused). */
  static refusal(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<number> {
    return new Promise((resolve, reject) => {
      const s = new WsWebSocket(url, protocols, { headers })
      s.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume() })
      s.once('open', () => { s.close(); reject(new Error('the upgrade was accepted')) })
      s.once('error', () => undefined)
    })
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a command and resolves with its answer (success or error frame). */
  async command(method: string, params: Record<string, unknown> = {}): Promise<Frame> {
    const id = this.#nextId++
    this.send({ id, method, params })
    return this.waitFor((f) => f.type !== 'event' && f.id === id)
  }

  /** The first frame (already received or to come) matching `pred`. */
  async waitFor(pred: (f: Frame) => boolean, timeoutMs = 45_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.frames.find(pred)
      if (hit) return hit
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms (got ${this.frames.length})`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }

  events(): Frame[] {
    return this.frames.filter((f) => f.type === 'event')
  }

  /** Drops the TCP connection without a closing handshake (a client that vanished). */
  drop(): void {
    this.socket.terminate()
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === this.socket.CLOSED) return resolve()
      this.socket.once('close', () => resolve())
      this.socket.close()
    })
  }
}

/** The root `lifecycle` event that ends a run (completed, interrupted, failed). */
export const isRootEnd = (f: Frame): boolean =>
  f.type === 'event' && f.method === 'lifecycle' && f.params?.namespace.length === 0 && ['completed', 'interrupted', 'failed'].includes(String(f.params.data.event))
