import type { StoredEvent } from './event-bus.js'
import type { Runtime } from './runtime.js'

const ended = (status: string | undefined) => status !== 'pending' && status !== 'running'

/**
 * A run's events after `afterSeq`: the stored log first, then the live tail, each event exactly once,
 * until the run ends (or `signal` aborts). Works after a dropped client and after a restart (the log
 * is in the store); a run executed by another process is followed by reading the store when another
 * connection commits (rt.commits), and every second regardless.
 */
export async function* followRun(rt: Runtime, runId: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<StoredEvent> {
  const buffer: (StoredEvent | null)[] = []
  let notify: (() => void) | undefined
  const off = rt.bus.subscribe(runId, (ev) => { buffer.push(ev); notify?.() })
  const offCommits = rt.commits.onExternalCommit(() => notify?.())
  const onAbort = () => notify?.()
  signal?.addEventListener('abort', onAbort)
  let last = afterSeq
  try {
    const fromStore = async function* () {
      for (const ev of await rt.runs.listEvents(runId, last)) { last = ev.seq; yield ev }
    }
    yield* fromStore()
    for (;;) {
      if (signal?.aborted) return
      while (buffer.length > 0) {
        const ev = buffer.shift()
        if (ev === null || ev === undefined) { yield* fromStore(); return }
        if (ev.seq > last) { last = ev.seq; yield ev }
      }
      const run = await rt.runs.getRun(runId).catch(() => undefined)
      if (ended(run?.status)) { yield* fromStore(); return }
      await new Promise<void>((resolve) => {
        notify = resolve
        setTimeout(resolve, 1000).unref()
      })
      notify = undefined
      if (buffer.length === 0) yield* fromStore()
    }
  } finally {
    off()
    offCommits()
    signal?.removeEventListener('abort', onAbort)
  }
}
