import { EventEmitter } from 'node:events'

/** One event of a run's log: `seq` counts from 0 per run; `data` is already JSON. */
export interface StoredEvent { seq: number; event: string; data: string }

/**
 * The live tail of every run's event log inside this process. Events are appended to the store
 * before they are published here, so a reader that replays the log and then follows the bus sees
 * every event exactly once. `null` marks the end of a run.
 */
export class RunEventBus {
  readonly #em = new EventEmitter().setMaxListeners(0)

  publish(runId: string, ev: StoredEvent): void {
    this.#em.emit(runId, ev)
  }

  end(runId: string): void {
    this.#em.emit(runId, null)
  }

  subscribe(runId: string, fn: (ev: StoredEvent | null) => void): () => void {
    this.#em.on(runId, fn)
    return () => void this.#em.off(runId, fn)
  }
}
