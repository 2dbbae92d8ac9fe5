import type { StoredEvent } from './event-bus.js'
import type { Runtime } from './runtime.js'

const ended = (status: string | undefined) => status !== 'pending' && status !== 'running'

/**
 * A run's events after `afterSeq`: the stored log first, then the live tail, each event exactly once and
 * in seq order, until the run ends (or `signal` aborts). The live tail is this process's bus for a run
 * executing here, and rt.signals for one executing in another process: Redis carries the events
 * themselves, NOTIFY and SQLite's commit watch say the log grew (it is read then). An event that arrives
 * past a gap (a subscription made after the read of the log, a message lost while Redis was away) has the
 * gap read from the log first; an end mark is checked against the run's stored status (a run requeued by
 * a stopping worker goes on elsewhere). The log is read every second regardless, so a reader completes by
 * polling while the transport is down. Works after a dropped client and after a restart.
 */
export async function* followRun(rt: Runtime, runId: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<StoredEvent> {
  const buffer: (StoredEvent | null)[] = []
  let notify: (() => void) | undefined
  let look = false
  const off = rt.bus.subscribe(runId, (ev) => { buffer.push(ev); notify?.() })
  const offRemote = rt.signals.onRunEvent(runId, (s) => {
    if (s.kind === 'event') buffer.push(s.ev)
    else if (s.kind === 'ended') buffer.push(null)
    else look = true
    notify?.()
  })
  const onAbort = () => notify?.()
  signal?.addEventListener('abort', onAbort)
  let last = afterSeq
  try {
    const fromStore = async function* () {
      for (const ev of await rt.runs.listEvents(runId, last)) { last = ev.seq; yield ev }
    }
    const isOver = async () => ended((await rt.runs.getRun(runId).catch(() => undefined))?.status)
    yield* fromStore()
    for (;;) {
      if (signal?.aborted) return
      let endMark = false
      while (buffer.length > 0) {
        const ev = buffer.shift()
        if (ev === null || ev === undefined) { endMark = true; continue }
        if (ev.seq > last + 1) yield* fromStore()
        if (ev.seq > last) { last = ev.seq; yield ev }
      }
      if (look) { look = false; yield* fromStore() }
      if (await isOver()) { yield* fromStore(); return }
      // an end mark of a run still pending or running: it left its worker (requeued), read on
      if (endMark) yield* fromStore()
      await new Promise<void>((resolve) => {
        notify = resolve
        if (buffer.length > 0 || look) resolve()
        setTimeout(resolve, 1000).unref()
      })
      notify = undefined
      if (buffer.length === 0 && !look) yield* fromStore()
    }
  } finally {
    off()
    offRemote()
    signal?.removeEventListener('abort', onAbort)
  }
}
