import type { Runtime } from '../../runtime/runtime.js'
import type { EventFilter } from './protocol-frames.js'
import { errorFrame, protocolFault, type ProtocolEvent, type ServerFrame } from './protocol-wire.js'
import { resumeAfter } from './event-seq.js'
import { matchesFilter, subscriptionIdOf } from './subscription-filter.js'
import { threadFeed } from './thread-feed.js'

/** Where a session's frames go (a WebSocket, an SSE response). Sends are awaited in order. */
export interface FrameSink { send(frame: ServerFrame): void | Promise<void> }

/** Tuning of a session. */
export interface SessionOptions {
  /**
   * How often a live feed looks in the store for a new run on its thread regardless (ms, default 5 000):
   * a run created in this process wakes it at once (the bus), one created by another process at its
   * signal (rt.signals: Redis, NOTIFY, or its SQLite commit); this is only the fallback.
   */
  pollMs?: number
  /** Subscriptions arriving within this window are replayed together (ms, default 10). */
  batchMs?: number
  /** Reports a failure of the event pump (it is also sent as an error frame with id null). */
  onError?: (e: unknown) => void
}

interface Subscription { id: string; filter: EventFilter; after: number }
interface PendingAttach { subs: Subscription[]; respond?: (replayed: number, ids: string[]) => ServerFrame; resolve(): void; reject(e: unknown): void }

/**
 * One client's view of one thread: its subscriptions and one event pump. The pump follows the thread's
 * durable feed (every run, in seq order) and sends each event once if any subscription takes it. A new
 * subscription first gets its replay — events after its start seq up to where the pump is — then the pump
 * serves it; both happen on one serial lane, so a subscriber sees no gap and no duplicate, and the answer
 * to `subscription.subscribe` goes out before its replayed events.
 */
export class ProtocolSession {
  /** The run this client started last: a subscription without `since` starts at it. */
  lastRunId: string | undefined
  readonly #subs = new Map<string, Subscription>()
  readonly #abort = new AbortController()
  readonly #wakers = new Set<() => void>()
  #lane: Promise<unknown> = Promise.resolve()
  readonly #pending: PendingAttach[] = []
  #flushTimer: NodeJS.Timeout | undefined
  /** Seq the pump has handled through; undefined until the first subscription starts it. */
  #pumpAt: number | undefined

  readonly #offCreated: () => void

  constructor(readonly rt: Runtime, readonly threadId: string, readonly sink: FrameSink, readonly opts: SessionOptions = {}) {
    this.#offCreated = rt.bus.onRunCreated(threadId, () => this.poke())
  }

  get closed(): boolean { return this.#abort.signal.aborted }

  /** A run may exist now (this client just created one): the pump looks at once instead of at its next poll. */
  poke(): void {
    for (const wake of [...this.#wakers]) wake()
  }

  /** Stops the pump; frames still queued on the lane are dropped by a closed sink. */
  close(): void {
    this.#abort.abort()
    this.#offCreated()
    clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    for (const b of this.#pending.splice(0)) b.resolve()
    this.poke()
  }

  /**
   * Adds subscriptions that start after seq `after` (restored ones keep their ids), replays what they
   * missed, then lets the pump serve them. `respond(replayed, ids)` is the frame sent before the replay.
   * Subscriptions that arrive within `batchMs` of each other (the SDK opens several at once) are replayed
   * together, in one seq order, each event once: a client never sees a run's end before the rest of it.
   */
  attach(subs: { filter: EventFilter; id?: string }[], after: number, respond?: (replayed: number, ids: string[]) => ServerFrame): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) return resolve()
      const added = subs.map((s) => ({ id: s.id ?? subscriptionIdOf(s.filter), filter: s.filter, after }))
      this.#pending.push({ subs: added, respond, resolve, reject })
      this.#flushTimer ??= setTimeout(() => {
        this.#flushTimer = undefined
        this.#serial(() => this.#flush()).catch(() => undefined)
      }, this.opts.batchMs ?? 10)
    })
  }

  async #flush(): Promise<void> {
    const batch = this.#pending.splice(0)
    try {
      const upTo = this.#pumpAt
      const from = Math.min(...batch.flatMap((b) => b.subs.map((s) => s.after)))
      const counts = new Map<PendingAttach, number>()
      const replay: ProtocolEvent[] = []
      let last = from
      if (upTo === undefined || from < upTo) {
        for await (const ev of threadFeed(this.rt, this.threadId, { after: from, live: false, signal: this.#abort.signal })) {
          if (upTo !== undefined && ev.seq > upTo) break
          last = resumeAfter(ev)
          const takers = batch.filter((b) => b.subs.some((s) => ev.seq > s.after && matchesFilter(s.filter, ev)))
          for (const b of takers) counts.set(b, (counts.get(b) ?? 0) + 1)
          if (takers.length > 0) replay.push(ev)
        }
      }
      for (const b of batch) for (const s of b.subs) this.#subs.set(s.id, s)
      for (const b of batch) if (b.respond) await this.sink.send(b.respond(counts.get(b) ?? 0, b.subs.map((s) => s.id)))
      for (const ev of replay) await this.sink.send(ev)
      if (upTo === undefined) this.#startPump(last)
      for (const b of batch) b.resolve()
    } catch (e) {
      for (const b of batch) b.reject(e)
    }
  }

  /** Removes a subscription; `no_such_subscription` if this client has none by that id. */
  async detach(id: string): Promise<void> {
    await this.#serial(async () => {
      if (!this.#subs.delete(id)) throw protocolFault('no_such_subscription', `unknown subscription ${id}`)
    })
  }

  #startPump(after: number): void {
    this.#pumpAt = after
    const signal = this.#abort.signal
    const pump = async () => {
      const feed = threadFeed(this.rt, this.threadId, { after, live: true, signal, nextRun: (s) => this.#nextRun(s), pollMs: this.opts.pollMs })
      for await (const ev of feed) {
        await this.#serial(async () => {
          this.#pumpAt = ev.seq
          for (const s of this.#subs.values()) {
            if (ev.seq > s.after && matchesFilter(s.filter, ev)) return this.sink.send(ev)
          }
        })
      }
    }
    pump().catch(async (e: unknown) => {
      if (signal.aborted) return
      this.opts.onError?.(e)
      await this.sink.send(errorFrame(null, e))
    }).catch(() => undefined)
  }

  #nextRun(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); offCommits(); this.#wakers.delete(done); signal?.removeEventListener('abort', done); resolve() }
      const timer = setTimeout(done, this.opts.pollMs ?? 5_000)
      // a run another process created on this thread: its commit wakes the look-up at once
      const offCommits = this.rt.signals.on('runs', done)
      this.#wakers.add(done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lane.then(fn)
    this.#lane = run.catch(() => undefined)
    return run
  }
}
