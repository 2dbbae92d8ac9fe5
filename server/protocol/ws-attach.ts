import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hono } from 'hono'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { toAppError } from '../../store/app-error.js'
import type { AppDeps } from '../app-deps.js'
import { isKeyProtocol } from '../auth.js'
import { parseFrame, runCommand } from './command-dispatch.js'
import { ProtocolSession } from './protocol-session.js'
import { encodeFrame, type ServerFrame } from './protocol-wire.js'
import { askApp, type RequestScope } from './upgrade-gate.js'

/** The WebSocket side of a server: close it before closing the HTTP server (upgraded sockets keep it open). */
export interface WebSocketAttachment {
  /** Open protocol connections. */
  connections(): number
  /** Stops accepting upgrades and closes every connection (1001 "going away"). */
  close(): Promise<void>
}

const STREAM_PATH = /^\/threads\/([^/]+)\/stream\/events\/?$/
// past this much unsent data the session waits for the socket to drain (a slow client slows its own pump)
const HIGH_WATER_BYTES = 1024 * 1024

/** The thread an upgrade request asks for; undefined when the path is not the protocol's, null when the id is malformed. */
export function threadOfUpgrade(url: string | undefined): string | null | undefined {
  const m = STREAM_PATH.exec(new URL(url ?? '/', 'http://localhost').pathname)
  if (!m?.[1]) return undefined
  try {
    const id = decodeURIComponent(m[1])
    return id.length > 0 && id.length <= 256 ? id : null
  } catch {
    return null
  }
}

function refuse(socket: Duplex, status: number, body: string, type = 'application/json'): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

const textOf = (data: RawData): string =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')

function sendFrame(ws: WebSocket, frame: ServerFrame): Promise<void> | void {
  if (ws.readyState !== ws.OPEN) return
  const text = encodeFrame(frame)
  if (ws.bufferedAmount < HIGH_WATER_BYTES) return void ws.send(text)
  return new Promise((resolve) => ws.send(text, () => resolve()))
}

/**
 * The subprotocol the server agrees to: a client that offers any must get one back, or browsers fail the
 * handshake. One that carries no API key if offered; else the key's own (sent back to the client that sent it).
 */
const chooseProtocol = (offered: Set<string>): string | false =>
  [...offered].find((p) => !isKeyProtocol(p)) ?? [...offered][0] ?? false

/**
 * Serves the protocol v2 WebSocket (`GET /threads/{thread_id}/stream/events`) on the Node HTTP server
 * that serves `app`: the upgrade request first goes through the app as a GET (so its middleware — auth,
 * tenant scope — applies; `protocolRoutes` must be mounted; a browser, which cannot set headers on a WebSocket,
 * presents its API key as the subprotocol `x-api-key.<base64url key>`, see `keyProtocol`), then one {@link ProtocolSession} per
 * connection serves the thread in the path (created by its first `run.start`), in that request's scope.
 * Every frame gets an answer; a bad one (not JSON, no id, unknown method, bad params) gets a typed error
 * frame and the connection keeps serving. Clients are pinged every `deps.heartbeatMs` (default 10 s) and
 * dropped after a missed pong.
 *
 * @example
 * const server = serve({ fetch: app.fetch, port })        // as server/serve.ts does
 * const ws = attachWebSocket(server as Server, app, deps)
 * // on shutdown: await ws.close(); server.close()
 */
export function attachWebSocket(server: Server, app: Hono, deps: AppDeps): WebSocketAttachment {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxBodyBytes ?? 1024 * 1024, handleProtocols: chooseProtocol })
  const log = deps.logError ?? ((e: Error) => console.error(e.cause ?? e))
  const alive = new WeakMap<WebSocket, boolean>()

  function connect(ws: WebSocket, threadId: string, scope: RequestScope): void {
    const session = new ProtocolSession(deps.rt, threadId, { send: (f) => sendFrame(ws, f) }, { onError: (e) => log(toAppError(e)), pollMs: deps.protocolPollMs })
    const ctx = { rt: deps.rt, threadId, session }
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('message', (data: RawData) => {
      const parsed = parseFrame(textOf(data))
      const answer = 'error' in parsed ? Promise.resolve(parsed.error) : scope(() => runCommand(ctx, parsed.command, log))
      answer.then((frame) => (frame ? sendFrame(ws, frame) : undefined)).catch((e: unknown) => log(toAppError(e)))
    })
    ws.on('close', () => session.close())
    ws.on('error', () => session.close())
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, threadId: string): Promise<void> {
    const asked = await askApp(app, req)
    if ('refused' in asked) {
      const res = asked.refused
      return refuse(socket, res.status === 200 || res.status === 426 ? 404 : res.status, await res.text(), res.headers.get('content-type') ?? 'text/plain')
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, threadId, asked.scope))
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const threadId = threadOfUpgrade(req.url)
    if (threadId === undefined) {
      // another upgrade handler may own this path; alone, we answer it
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404, JSON.stringify({ code: 'NOT_FOUND', message: `no WebSocket at ${req.url ?? '/'}` }))
      return
    }
    if (threadId === null) return refuse(socket, 400, JSON.stringify({ code: 'VALIDATION', message: 'thread id must be 1 to 256 characters' }))
    upgrade(req, socket, head, threadId).catch((e: unknown) => {
      log(toAppError(e))
      refuse(socket, 500, JSON.stringify({ code: 'INTERNAL', message: 'upgrade failed' }))
    })
  }
  server.on('upgrade', onUpgrade)

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) { ws.terminate(); continue }
      alive.set(ws, false)
      ws.ping()
    }
  }, deps.heartbeatMs ?? 10_000)
  ping.unref()

  return {
    connections: () => wss.clients.size,
    async close() {
      server.off('upgrade', onUpgrade)
      clearInterval(ping)
      const open = [...wss.clients]
      await Promise.all(open.map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve()
        const t = setTimeout(() => ws.terminate(), 1_000)
        ws.once('close', () => { clearTimeout(t); resolve() })
        ws.close(1001, 'server shutting down')
      })))
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
