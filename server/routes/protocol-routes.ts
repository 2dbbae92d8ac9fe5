import { Hono, type Context } from 'hono'
import type { AppDeps } from '../app-deps.js'
import { parseFrame, runCommand } from '../protocol/command-dispatch.js'
import { EventStreamRequest } from '../protocol/protocol-frames.js'
import { encodeFrame, errorFrame, protocolFault, type ServerFrame } from '../protocol/protocol-wire.js'
import { sseProtocolEvents, sseStart } from '../protocol/sse-events.js'
import { acceptUpgrade } from '../protocol/upgrade-gate.js'

const frame = (c: Context, f: ServerFrame, status: 200 | 400 = 200) =>
  c.body(encodeFrame(f), status, { 'content-type': 'application/json' })

function threadParam(c: Context): string | undefined {
  const id = c.req.param('thread_id')
  return id && id.length <= 256 ? id : undefined
}

async function jsonBody(c: Context): Promise<{ json: unknown } | { error: string }> {
  try {
    return { json: JSON.parse(await c.req.text()) as unknown }
  } catch {
    return { error: 'the body must be JSON' }
  }
}

/**
 * The thread-centric protocol v2 over HTTP, as the SDK's SSE transport speaks it:
 * `POST /threads/{id}/commands` (one command → its answer frame; a failed command is an error frame with
 * status 200, the way the SDK reads it; a malformed frame a 400), `POST /threads/{id}/stream/events` (an
 * SSE stream filtered by `{channels, namespaces?, depth?, since?}`). `GET /threads/{id}/stream/events`
 * is the WebSocket: `attachWebSocket` sends each upgrade request through the app to this route (so
 * middleware applies) and upgrades it when the route accepts; a plain GET gets a 426.
 */
export function protocolRoutes(deps: AppDeps): Hono {
  return new Hono()
    .get('/threads/:thread_id/stream/events', (c) => {
      if (threadParam(c) && acceptUpgrade(c)) return c.body(null, 204)
      return c.json({ code: 'VALIDATION', message: 'this is the protocol v2 WebSocket: connect with Upgrade: websocket (or POST here for SSE)' }, 426, { Upgrade: 'websocket' })
    })
    .post('/threads/:thread_id/commands', async (c) => {
      const threadId = threadParam(c)
      if (!threadId) return frame(c, errorFrame(null, protocolFault('invalid_argument', 'thread id must be 1 to 256 characters')), 400)
      const parsed = parseFrame(await c.req.text())
      if ('error' in parsed) return frame(c, parsed.error, 400)
      const answer = await runCommand({ rt: deps.rt, threadId }, parsed.command, deps.logError)
      return answer ? frame(c, answer) : c.body(null, 204)
    })
    .post('/threads/:thread_id/stream/events', async (c) => {
      const threadId = threadParam(c)
      const body = await jsonBody(c)
      const r = 'json' in body ? EventStreamRequest.safeParse(body.json) : undefined
      if (!threadId || !r?.success) {
        const message = !threadId ? 'thread id must be 1 to 256 characters' : 'error' in body ? body.error : 'invalid event filter'
        return c.json({ code: 'VALIDATION', message, details: { target: 'body', issues: r?.error?.issues ?? [] } }, 400)
      }
      const { since, ...filter } = r.data
      const after = await sseStart(deps, threadId, since, c.req.header('Last-Event-ID'))
      return sseProtocolEvents(c, deps, threadId, { filter, after })
    })
}
