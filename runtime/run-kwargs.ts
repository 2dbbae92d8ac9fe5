import type { ApiStreamMode } from './graph-stream.js'

/** What a queued run executes, stored as JSON in `runs.kwargs`. */
export interface RunKwargs {
  input?: unknown
  command?: { resume?: unknown; update?: unknown; goto?: unknown }
  config?: { configurable?: Record<string, unknown>; recursion_limit?: number; tags?: string[] }
  context?: unknown
  stream_mode: ApiStreamMode[]
  subgraphs?: boolean
  interrupt_before?: string[] | '*'
  interrupt_after?: string[] | '*'
  /** Start from this checkpoint (replay, or the state a rollback returned to). */
  checkpoint_id?: string
  webhook?: string
  resumable?: boolean
  /** When checkpoints are written: every step before the next ('sync', the default), while the next runs ('async'), or only at the end ('exit'). */
  durability?: 'sync' | 'async' | 'exit'
  /** A timer run: answers this interrupt with `{action: 'timeout'}` at its deadline (interrupt-timers.ts). */
  timer_for?: string
}

export const parseKwargs = (json: string): RunKwargs => JSON.parse(json) as RunKwargs
