import { EventEmitter } from 'node:events'
import type { RunRow } from '../store/run-schema.js'
import type { ClusterSignals } from './signals.js'

/** One event of a run's log: `seq` counts from 0 per run; `data` is already JSON. */
export interface StoredEvent { seq: number; event: string; data: string }

/** How many ended runs the bus remembers, so a waiter that arrives just after the end needs no read. */
const ENDED_KEPT = 1_000

/**
 * The live tail of every run's event log inside this process. Events are appended to the store
 * before they are published here, so a reader that replays the log and then follows the bus sees
 * every event exactly once. `null` marks the end of a run; the run's final row, when the runner
 * has it, comes with it and stays readable for a while through `ended`. With `relay`, each publish,
 * end and run creation also goes to the other processes (Redis, NOTIFY; runtime/signals.ts).
 */
export class RunEventBus {
  constructor(readonly relay?: ClusterSignals) {}
  readonly #em = new EventEmitter().setMaxListeners(0)
  readonly #ended = new Map<string, RunRow | null>()
  readonly #created = new EventEmitter().setMaxListeners(0)

  publish(runId: string, ev: StoredEvent): void {
    this.#em.emit(runId, ev)
    this.relay?.publishRunEvent(runId, ev)
  }

  /** Ends a run; `final` is its row as stored after the end (undefined when it is gone, e.g. rolled back). */
  end(runId: string, final?: RunRow): void {
    this.#ended.delete(runId)
    this.#ended.set(runId, final ?? null)
    if (this.#ended.size > ENDED_KEPT) this.#ended.delete(this.#ended.keys().next().value as string)
    this.#em.emit(runId, null, final)
    this.relay?.publishRunEvent(runId, null)
    // its thread may be free for its next run
    this.relay?.send('runs')
  }

  /** The final row of a run that ended here recently; null when it ended without one; undefined when unknown. */
  ended(runId: string): RunRow | null | undefined {
    return this.#ended.get(runId)
  }

  /** A run was queued on `threadId` in this process (thread-wide readers, e.g. protocol sessions, look at once). */
  runCreated(threadId: string, runId: string): void {
    this.#created.emit(threadId, runId)
    this.relay?.send('runs')
  }

  onRunCreated(threadId: string, fn: (runId: string) => void): () => void {
    this.#created.on(threadId, fn)
    return () => void this.#created.off(threadId, fn)
  }

  subscribe(runId: string, fn: (ev: StoredEvent | null, final?: RunRow) => void): () => void {
    this.#em.on(runId, fn)
    return () => void this.#em.off(runId, fn)
  }
}
