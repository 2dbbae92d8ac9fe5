import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { toAppError } from '../../store/app-error.js'
import type { AppDeps } from '../app-deps.js'
import { parseFrame, runCommand } from './command-dispatch.js'
import { ProtocolSession } from './protocol-session.js'
import { encodeFrame, type ServerFrame } from './protocol-wire.js'

export interface WebSocketOptions {
  /** Ping every client this often and drop one that missed the previous pong (ms, default 30 000). */
  pingMs?: number
  /** How often a session looks for runs created by other clients (ms, default 500). */
  pollMs?: number
}

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

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message })
  socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
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
 * Serves the protocol v2 WebSocket (`GET /threads/{thread_id}/stream/events`) on a Node HTTP server:
 * one {@link ProtocolSession} per connection, bound to the thread in the path (created by its first
 * `run.start`). Every frame gets an answer; a bad one (not JSON, no id, unknown method, bad params) gets
 * a typed error frame and the connection keeps serving.
 *
 * @example
 * const server = serve({ fetch: app.fetch, port })        // as server/serve.ts does
 * const ws = attachWebSocket(server as Server, deps)
 * // on shutdown: await ws.close(); server.close()
 */
export function attachWebSocket(server: Server, deps: AppDeps, opts: WebSocketOptions = {}): WebSocketAttachment {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxBodyBytes ?? 1024 * 1024 })
  const log = deps.logError ?? ((e: Error) => console.error(e.cause ?? e))
  const alive = new WeakMap<WebSocket, boolean>()

  function connect(ws: WebSocket, threadId: string): void {
    const session = new ProtocolSession(deps.rt, threadId, { send: (f) => sendFrame(ws, f) }, { pollMs: opts.pollMs, onError: (e) => log(toAppError(e)) })
    const ctx = { rt: deps.rt, threadId, session }
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('message', (data: RawData) => {
      const parsed = parseFrame(textOf(data))
      const answer = 'error' in parsed ? Promise.resolve(parsed.error) : runCommand(ctx, parsed.command, log)
      answer.then((frame) => (frame ? sendFrame(ws, frame) : undefined)).catch((e: unknown) => log(toAppError(e)))
    })
    ws.on('close', () => session.close())
    ws.on('error', () => session.close())
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const threadId = threadOfUpgrade(req.url)
    if (threadId === undefined) {
      // another upgrade handler may own this path; alone, we answer it
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'NOT_FOUND', `no WebSocket at ${req.url ?? '/'}`)
      return
    }
    if (threadId === null) return refuse(socket, 400, 'VALIDATION', 'thread id must be 1 to 256 characters')
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, threadId))
  }
  server.on('upgrade', onUpgrade)

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) { ws.terminate(); continue }
      alive.set(ws, false)
      ws.ping()
    }
  }, opts.pingMs ?? 30_000)
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
