import { randomBytes } from 'node:crypto'
import type { CommitWatch } from '../store/commit-watch.js'
import type { StoredEvent } from './event-bus.js'

/**
 * What one process tells the others: `runs` (a run was queued, or one ended and freed its thread: claim,
 * look for a thread's next run), `crons` (a cron was created, changed or deleted), `cancels` (a cancel
 * flag was set on a run another process may be executing).
 */
export type SignalTopic = 'runs' | 'crons' | 'cancels'

export const TOPICS: readonly SignalTopic[] = ['runs', 'crons', 'cancels']

/**
 * What a reader of one run's log hears: `event` (Redis carries the appended event itself), `appended`
 * (the log grew to `seq`: read it), `ended` (the run reached a final status, or left its worker), `poll`
 * (nothing is known: the transport is down or only says "something was committed"; read the log).
 */
export type RunSignal =
  | { kind: 'event'; ev: StoredEvent }
  | { kind: 'appended'; seq: number }
  | { kind: 'ended' }
  | { kind: 'poll' }

/** The state of one dependency, as `/ok` reports it. */
export type DependencyState = 'up' | 'down'

/**
 * The one cross-process signal path of a runtime. Three transports implement it: SQLite's
 * `data_version` watch (one machine, one file: any commit by another connection is heard as every
 * topic), Postgres LISTEN/NOTIFY (no Redis needed), and Redis pub/sub (`REDIS_URL`). Signals are
 * hints, never data of record: the store stays the source of truth, a listener re-reads it, and a
 * reader of a run's log de-duplicates by seq. While the transport is down every listener is called
 * every `pollMs` (readers poll the store), and once more when it is back (anything missed is read).
 */
export interface ClusterSignals {
  readonly transport: 'sqlite' | 'postgres' | 'redis'
  /** Tells the other processes (this one is not called back). */
  send(topic: SignalTopic): void
  /** Calls `fn` when another process sent `topic` (`*`: any topic), and while the transport is down. */
  on(topic: SignalTopic | '*', fn: () => void): () => void
  /** Publishes a run's event after it was appended to the log; `null`: the run ended (or left this worker). */
  publishRunEvent(runId: string, ev: StoredEvent | null): void
  /** Calls `fn` with what other processes publish about one run's log. */
  onRunEvent(runId: string, fn: (s: RunSignal) => void): () => void
  /** Whether the transport carries signals now (false: listeners are being polled). */
  live(): boolean
  /** The transport's dependencies by name (`redis`, `postgres_notify`); empty for SQLite's watch. */
  health(): Record<string, DependencyState>
  close(): Promise<void>
}

/** While a transport is down, how often its listeners are called so that they read the store (ms). */
export const DEGRADED_POLL_MS = 1_000

/** A message between processes: `o` names the sender (its own messages are dropped when echoed back). */
export type WireMessage =
  | { o: string; t: SignalTopic }
  | { o: string; r: string; e: StoredEvent }
  | { o: string; r: string; s: number }
  | { o: string; r: string; end: 1 }

export function parseWire(text: string): WireMessage | undefined {
  try {
    const m = JSON.parse(text) as WireMessage
    return m !== null && typeof m === 'object' && typeof m.o === 'string' ? m : undefined
  } catch {
    return undefined
  }
}

/**
 * The listener bookkeeping every transport shares: topic and per-run listeners, the sender's own id,
 * dispatch of received messages, and the polling while the transport is down. A transport calls
 * `receive` with each message and `setLive` when its connection goes or comes back.
 */
export class SignalHub {
  readonly origin = randomBytes(6).toString('hex')
  readonly #topics = new Map<SignalTopic, Set<() => void>>(TOPICS.map((t) => [t, new Set()]))
  readonly #runs = new Map<string, Set<(s: RunSignal) => void>>()
  #live = true
  #poll: NodeJS.Timeout | undefined
  /** Called when the first listener of a run arrives and after its last one left (Redis subscribes per run). */
  onRunWatch: ((runId: string, watching: boolean) => void) | undefined

  constructor(readonly pollMs = DEGRADED_POLL_MS) {}

  on(topic: SignalTopic | '*', fn: () => void): () => void {
    const sets = topic === '*' ? [...this.#topics.values()] : [this.#topics.get(topic)!]
    // one call per signal even for '*': a wrapper per set would call fn once per topic on a poll
    const once = topic === '*' ? debounced(fn) : fn
    for (const s of sets) s.add(once)
    return () => { for (const s of sets) s.delete(once) }
  }

  onRunEvent(runId: string, fn: (s: RunSignal) => void): () => void {
    let set = this.#runs.get(runId)
    if (!set) {
      set = new Set()
      this.#runs.set(runId, set)
      this.onRunWatch?.(runId, true)
    }
    set.add(fn)
    return () => {
      const s = this.#runs.get(runId)
      if (!s?.delete(fn) || s.size > 0) return
      this.#runs.delete(runId)
      this.onRunWatch?.(runId, false)
    }
  }

  watchedRuns(): string[] {
    return [...this.#runs.keys()]
  }

  fireTopic(topic: SignalTopic): void {
    for (const fn of [...this.#topics.get(topic)!]) fn()
  }

  fireRun(runId: string, s: RunSignal): void {
    const set = this.#runs.get(runId)
    if (set) for (const fn of [...set]) fn(s)
  }

  /** Everyone reads the store (a poll while down, the catch-up when back). */
  fireAll(): void {
    for (const t of TOPICS) this.fireTopic(t)
    for (const id of this.watchedRuns()) this.fireRun(id, { kind: 'poll' })
  }

  receive(m: WireMessage | undefined): void {
    if (!m || m.o === this.origin) return
    if ('t' in m) {
      if (TOPICS.includes(m.t)) this.fireTopic(m.t)
    } else if ('e' in m) this.fireRun(m.r, { kind: 'event', ev: m.e })
    else if ('end' in m) this.fireRun(m.r, { kind: 'ended' })
    else if ('s' in m) this.fireRun(m.r, { kind: 'appended', seq: m.s })
  }

  live(): boolean {
    return this.#live
  }

  setLive(live: boolean): void {
    if (live === this.#live) return
    this.#live = live
    if (live) {
      if (this.#poll) clearInterval(this.#poll)
      this.#poll = undefined
      // back: whatever was sent meanwhile is in the store
      this.fireAll()
      return
    }
    this.#poll = setInterval(() => this.fireAll(), this.pollMs)
    this.#poll.unref()
  }

  stop(): void {
    if (this.#poll) clearInterval(this.#poll)
    this.#poll = undefined
    for (const s of this.#topics.values()) s.clear()
    this.#runs.clear()
  }
}

/** `fn` at most once per macrotask: several topics firing together (a poll) call it once. */
function debounced(fn: () => void): () => void {
  let queued = false
  return () => {
    if (queued) return
    queued = true
    setImmediate(() => { queued = false; fn() })
  }
}

/**
 * One machine, one SQLite file: another connection's commit (`PRAGMA data_version`, store/commit-watch.ts)
 * is heard as every topic and as a poll by every run reader. Nothing is sent: the commit is the signal.
 */
export function sqliteSignals(watch: CommitWatch): ClusterSignals {
  return {
    transport: 'sqlite',
    send: () => undefined,
    on: (_topic, fn) => watch.onExternalCommit(fn),
    publishRunEvent: () => undefined,
    onRunEvent: (_runId, fn) => watch.onExternalCommit(() => fn({ kind: 'poll' })),
    live: () => true,
    health: () => ({}),
    close: async () => watch.stop(),
  }
}

/** The same interface over a hub and a transport's send functions (Postgres and Redis). */
export function hubSignals(
  transport: 'postgres' | 'redis',
  hub: SignalHub,
  io: { send(m: WireMessage, runId?: string): void; health(): Record<string, DependencyState>; close(): Promise<void> },
): ClusterSignals {
  return {
    transport,
    send: (topic) => io.send({ o: hub.origin, t: topic }),
    on: (topic, fn) => hub.on(topic, fn),
    publishRunEvent: (runId, ev) => io.send(ev === null ? { o: hub.origin, r: runId, end: 1 } : { o: hub.origin, r: runId, e: ev }, runId),
    onRunEvent: (runId, fn) => hub.onRunEvent(runId, fn),
    live: () => hub.live(),
    health: () => io.health(),
    close: async () => {
      hub.stop()
      await io.close()
    },
  }
}
