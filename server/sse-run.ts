import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { followRun } from '../runtime/run-follow.js'
import { cancelRun } from '../runtime/run-service.js'
import type { Runtime } from '../runtime/runtime.js'

export interface SseRunOptions {
  /** Replay the log after this seq (-1 = from the start). */
  afterSeq: number
  /** Cancel the run when the client goes away (`on_disconnect: cancel`). */
  cancelOnDisconnect?: boolean
  /** Comment line sent this often so clients and proxies see a live stream (ms). */
  heartbeatMs?: number
}

/**
 * Streams a run's events as SSE in the official framing (`event`, `data`, `id` = seq), with
 * `Content-Location` (the run) and `Location` (its join URL, so the SDK reconnects with
 * `Last-Event-ID` by itself) and heartbeat comments.
 */
export function sseRun(c: Context, rt: Runtime, run: { run_id: string; thread_id: string }, o: SseRunOptions): Response {
  const path = `/threads/${run.thread_id}/runs/${run.run_id}`
  c.header('Content-Location', path)
  c.header('Location', `${path}/stream`)
  return streamSSE(c, async (stream) => {
    const ac = new AbortController()
    stream.onAbort(() => {
      ac.abort()
      if (o.cancelOnDisconnect) {
        rt.runs.getRun(run.run_id).then((r) => cancelRun(rt, r), () => undefined).catch(() => undefined)
      }
    })
    const beat = setInterval(() => { stream.write(': heartbeat\n\n').catch(() => undefined) }, o.heartbeatMs ?? 10_000)
    try {
      for await (const ev of followRun(rt, run.run_id, o.afterSeq, ac.signal)) {
        await stream.writeSSE({ id: String(ev.seq), event: ev.event, data: ev.data })
      }
    } finally {
      clearInterval(beat)
    }
  })
}

/** `Last-Event-ID` as a seq: absent means "only what comes next". */
export async function afterSeqFromHeader(rt: Runtime, runId: string, header: string | undefined): Promise<number> {
  if (header !== undefined && header !== '' && Number.isInteger(Number(header))) return Number(header)
  return rt.runs.lastSeq(runId)
}
