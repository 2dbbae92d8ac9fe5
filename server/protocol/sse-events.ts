import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { toAppError } from '../../store/app-error.js'
import type { AppDeps } from '../app-deps.js'
import { beforeRun, currentRun, parseEventId, seqOf, threadRuns } from './event-seq.js'
import type { EventFilter } from './protocol-frames.js'
import { ProtocolSession } from './protocol-session.js'
import { encodeFrame } from './protocol-wire.js'

/**
 * Where an SSE stream starts: `since` (a seq) wins, then `Last-Event-ID` (an event id, `run_id:n`),
 * then the start of the thread's current run (the run in flight, else the latest).
 */
export async function sseStart(deps: AppDeps, threadId: string, since: number | undefined, lastEventId: string | undefined): Promise<number> {
  if (since !== undefined) return since
  const runs = await threadRuns(deps.rt, threadId)
  if (lastEventId) {
    const at = lastEventId.lastIndexOf(':')
    const ranked = runs.find((r) => r.run.run_id === lastEventId.slice(0, at))
    const local = ranked ? parseEventId(lastEventId, ranked.run.run_id) : undefined
    if (ranked && local !== undefined) return seqOf(ranked.rank, local)
  }
  return beforeRun(currentRun(runs))
}

/**
 * The SSE twin of a WebSocket subscription (`POST /threads/{id}/stream/events`): the connection is the
 * subscription. Events that match `filter` after seq `after`, replayed from the durable logs and then
 * live, across runs, until the client goes away; each frame is `id: event_id`, `event: method`,
 * `data: the event`. Heartbeat comments keep proxies from closing an idle stream.
 */
export function sseProtocolEvents(c: Context, deps: AppDeps, threadId: string, o: { filter: EventFilter; after: number }): Response {
  const log = deps.logError ?? ((e: Error) => console.error(e.cause ?? e))
  return streamSSE(c, async (stream) => {
    const session = new ProtocolSession(deps.rt, threadId, {
      send: async (f) => {
        if (f.type === 'event') await stream.writeSSE({ id: f.event_id, event: f.method, data: encodeFrame(f) })
        else if (f.type === 'error') await stream.writeSSE({ event: 'error', data: encodeFrame(f) })
      },
    }, { onError: (e) => log(toAppError(e)), pollMs: deps.protocolPollMs })
    const closed = new Promise<void>((resolve) => stream.onAbort(resolve))
    stream.onAbort(() => session.close())
    const beat = setInterval(() => { stream.write(': heartbeat\n\n').catch(() => undefined) }, deps.heartbeatMs ?? 10_000)
    try {
      await session.attach([{ filter: o.filter }], o.after)
      if (!stream.aborted) await closed
    } finally {
      clearInterval(beat)
      session.close()
    }
  })
}
