import type { Runtime } from '../../runtime/runtime.js'
import { SEQ_STRIDE, decodeSeq, eventIdOf, seqOf, threadRuns, type RankedRun } from './event-seq.js'
import type { ProtocolEvent } from './protocol-wire.js'
import { runEvents, type LocalEvent } from './run-feed.js'

/** Where a thread feed starts and whether it follows live. */
export interface ThreadFeedOptions {
  /** Yield the events after this seq (0: from the thread's first run). */
  after: number
  /** Follow the run in flight and every later run; otherwise stop at what the store holds now. */
  live: boolean
  signal?: AbortSignal
  /** Live only: resolves when a new run may exist on the thread (default: look again after `pollMs`). */
  nextRun?: (signal?: AbortSignal) => Promise<void>
  pollMs?: number
}

const toEvent = (r: RankedRun, ev: LocalEvent): ProtocolEvent => ({
  type: 'event',
  event_id: eventIdOf(r.run.run_id, ev.local),
  seq: seqOf(r.rank, ev.local),
  method: ev.method,
  params: { namespace: ev.namespace, timestamp: Date.now(), ...(ev.node ? { node: ev.node } : {}), data: ev.data },
})

const pause = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
  const timer = setTimeout(done, ms)
  signal?.addEventListener('abort', done, { once: true })
})

/**
 * A thread's protocol events after a seq, run after run, in seq order: replayed from the durable logs,
 * then (live) the tail of the run in flight and of each run created later, until `signal` aborts.
 * Store-only (`live: false`) stops at the first run still in flight, so a live feed started right after
 * the last event it yielded continues without a gap or a duplicate.
 */
export async function* threadFeed(rt: Runtime, threadId: string, o: ThreadFeedOptions): AsyncGenerator<ProtocolEvent> {
  let { rank, local } = decodeSeq(o.after)
  if (local >= SEQ_STRIDE - 1) { rank += 1; local = -1 }
  if (rank < 1) { rank = 1; local = -1 }
  const waitForRun = o.nextRun ?? ((signal?: AbortSignal) => pause(o.pollMs ?? 500, signal))
  let runs: RankedRun[] = []
  while (!o.signal?.aborted) {
    // the run at `rank`, or the next one after a gap a deleted run left
    let r = runs.find((x) => x.rank >= rank)
    if (!r) {
      runs = await threadRuns(rt, threadId)
      r = runs.find((x) => x.rank >= rank)
    }
    if (!r) {
      if (!o.live) return
      await waitForRun(o.signal)
      continue
    }
    if (r.rank > rank) { rank = r.rank; local = -1 }
    const it = runEvents(rt, r.run, { live: o.live, signal: o.signal })
    let end
    for (;;) {
      const next = await it.next()
      if (next.done) { end = next.value; break }
      if (next.value.local <= local) continue
      local = next.value.local
      yield toEvent(r, next.value)
    }
    if (end === 'aborted') return
    if (end === 'in-flight') {
      if (!o.live) return
      // requeued after a crash: follow it again, after what was already yielded
      continue
    }
    // a deleted run (rollback) frees its rank: the next run queued takes it, or a later one follows
    if (end === 'gone') runs = []
    else rank += 1
    local = -1
  }
}
