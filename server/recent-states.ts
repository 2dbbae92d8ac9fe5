import type { StateSnapshot } from '@langchain/langgraph'

/**
 * The state each recent run ended with, by run id, bounded (oldest dropped first). The runner reads
 * it once when settling a run; `runs/wait` and `join`, which usually ask right after, take it from here
 * instead of reading the checkpoint again.
 */
export class RecentStates {
  readonly #states = new Map<string, StateSnapshot>()

  constructor(readonly max = 1000) {}

  remember(runId: string, state: StateSnapshot): void {
    this.#states.set(runId, state)
    if (this.#states.size > this.max) this.#states.delete(this.#states.keys().next().value as string)
  }

  /** The state, if still here; a run's state is handed out once (later callers read the store). */
  take(runId: string): StateSnapshot | undefined {
    const s = this.#states.get(runId)
    this.#states.delete(runId)
    return s
  }
}
