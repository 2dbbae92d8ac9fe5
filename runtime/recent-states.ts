
/**
 * The state each recent run ended with, by run id, bounded (oldest dropped first). The runner knows
 * it when settling a run; `runs/wait` and `join`, which usually ask right after, take it from here
 * instead of reading the checkpoint again.
 */
/** What a run ended with: the thread's values and its pending interrupts (empty when none). */
export interface FinalState { values: unknown; interrupts: unknown[] }

export class RecentStates {
  readonly #states = new Map<string, FinalState>()

  constructor(readonly max = 1000) {}

  remember(runId: string, state: FinalState): void {
    this.#states.set(runId, state)
    if (this.#states.size > this.max) this.#states.delete(this.#states.keys().next().value as string)
  }

  /** The state, if still here; a run's state is handed out once (later callers read the store). */
  take(runId: string): FinalState | undefined {
    const s = this.#states.get(runId)
    this.#states.delete(runId)
    return s
  }
}
