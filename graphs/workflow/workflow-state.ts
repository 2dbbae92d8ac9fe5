import { Annotation } from '@langchain/langgraph'

/** How a step ended. */
export type StepStatus = 'succeeded' | 'failed' | 'skipped'

/**
 * Why a step was skipped:
 * - `if`: its condition was false (dependents still run);
 * - `not_routed`: an error handler (`on_error`/`on_timeout` target) none of whose sources routed to it (dependents still run);
 * - `upstream`: a need failed without `continue_on_error`, or was itself skipped for that reason (dependents are skipped too).
 */
export type SkipReason = 'if' | 'not_routed' | 'upstream'

/** A step's error as it is checkpointed: the AppError's JSON. */
export interface StepError {
  code: string
  message: string
  details?: Record<string, unknown>
}

/** What the state keeps about one step (JSON only: it is checkpointed). */
export interface StepRecord {
  status: StepStatus
  /** The step's outputs: the executor's result plus the declared `outputs` (a `for_each` step: `{ results: [...] }`). */
  outputs: Record<string, unknown>
  error?: StepError
  /** Executor calls made, retries included (0 for a cache hit or a skip). */
  attempts: number
  /** For a `loop` step: iterations run. */
  iteration?: number
  /** Outputs came from the step cache. */
  cached?: boolean
  skip_reason?: SkipReason
  /** The failure was a timeout (a `timeout` that fired, or a human step answered `{ action: 'timeout' }`). */
  timed_out?: boolean
}

/** The run's status as the `__outputs__` node sets it: `failed` when a step failed unhandled or an output could not be computed. */
export type WorkflowStatus = 'running' | 'succeeded' | 'failed'

const last = <T>(_a: T, b: T): T => b

/**
 * The state of every compiled workflow. Invoke with `{ inputs }` (validated by the definition's
 * `parseInput`; defaults are applied again by the nodes, so a direct `invoke` works too).
 */
export const WorkflowState = Annotation.Root({
  inputs: Annotation<Record<string, unknown>>({ reducer: last, default: () => ({}) }),
  steps: Annotation<Record<string, StepRecord>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  visited: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  outputs: Annotation<Record<string, unknown>>({ reducer: last, default: () => ({}) }),
  status: Annotation<WorkflowStatus>({ reducer: last, default: () => 'running' }),
  error: Annotation<StepError | null>({ reducer: last, default: () => null }),
})
export type WorkflowStateT = typeof WorkflowState.State
/** What a node returns (plain values: every channel's reducer merges them). */
export type WorkflowUpdate = Partial<WorkflowStateT>

/** Name of the node that computes the workflow's outputs once every step is done. */
export const OUTPUTS_NODE = '__outputs__'
