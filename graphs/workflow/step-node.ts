import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import type { StepCacheRepo } from '../../store/step-cache-repo.js'
import type { WorkflowPlan } from './compile-plan.js'
import { baseScope, holdsIn, toStepError, type Scope } from './compile-scope.js'
import { needsOf, type StepSpec, type WorkflowSpec } from './spec-schema.js'
import { runStepBody } from './step-node-body.js'
import { mockRecord, type StepMock } from './step-node-mock.js'
import { mustPropagate } from './step-node-retry.js'
import type { SkipReason, StepRecord, WorkflowStateT, WorkflowUpdate } from './workflow-state.js'

/**
 * One way of running a step type. `prepare` renders the step's parameters over a scope (once per
 * unit: the step, a `for_each` item or a `loop` iteration; its result is JSON and feeds the cache
 * key); `run` is one attempt, retried by the node.
 */
export interface StepKind {
  prepare(scope: Scope): unknown
  run(params: unknown, scope: Scope, ctx: { signal?: AbortSignal; timeoutMs?: number; config: LangGraphRunnableConfig }): Promise<unknown>
  /** Human steps wait for a person: their `timeout` is a deadline for the answer, not a timer on the node. */
  readonly waits?: boolean
}

/** What every node of one compiled workflow shares. */
export interface NodeEnv {
  readonly spec: WorkflowSpec
  readonly plan: WorkflowPlan
  readonly cache?: StepCacheRepo
  readonly now: () => number
  /** Mocked steps by id (compile option `mocks`). */
  readonly mocks?: Readonly<Record<string, StepMock>>
}

/** Whether a need's record stops its dependents: an unhandled-by-`continue_on_error` failure, or a skip caused by one. */
export function blocks(need: StepSpec | undefined, r: StepRecord | undefined): boolean {
  if (r === undefined) return false
  return (r.status === 'failed' && need?.continue_on_error !== true) || (r.status === 'skipped' && r.skip_reason === 'upstream')
}

/** Where a failed step routes: `on_timeout` for a timeout when it has one, else `on_error`. */
export function routeOf(s: StepSpec, r: StepRecord | undefined): string | undefined {
  if (r?.status !== 'failed') return undefined
  return r.timed_out && s.on_timeout !== undefined ? s.on_timeout : s.on_error
}

const skipped = (reason: SkipReason): StepRecord => ({ status: 'skipped', outputs: {}, attempts: 0, skip_reason: reason })

/**
 * The node of one step. In order: skipped `upstream` when an explicit need blocks; an error
 * handler none of whose sources routed here is skipped `not_routed`; a false `if` is skipped `if`;
 * otherwise a mocked step records its mock; otherwise the body runs (cache, `for_each`, `loop`, retries, timeout) and the step is recorded
 * `succeeded` or `failed`. A step failure never throws: interrupts and a cancelled run do.
 */
export function stepNode(step: StepSpec, kind: StepKind, env: NodeEnv) {
  const done = (r: StepRecord): WorkflowUpdate => ({ steps: { [step.id]: r }, visited: r.status === 'skipped' ? [] : [step.id] })
  return async (state: WorkflowStateT, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> => {
    if (needsOf(step).some((n) => blocks(env.plan.steps.get(n), state.steps[n]))) return done(skipped('upstream'))
    const sources = env.plan.sources.get(step.id)
    if (sources && !sources.some((s) => routeOf(env.plan.steps.get(s) as StepSpec, state.steps[s]) === step.id)) {
      return done(skipped('not_routed'))
    }
    let scope: Scope
    try {
      scope = baseScope(env.spec, state)
      if (step.if !== undefined && !holdsIn(step.if, scope)) return done(skipped('if'))
    } catch (e) {
      return done({ status: 'failed', outputs: {}, attempts: 0, error: toStepError(e) })
    }
    const mock = env.mocks?.[step.id]
    if (mock !== undefined) return done(mockRecord(step.id, mock))
    try {
      return done(await runStepBody(step, kind, env, { scope, config }))
    } catch (e) {
      if (mustPropagate(e, config.signal)) throw e
      return done({ status: 'failed', outputs: {}, attempts: 0, error: toStepError(e) })
    }
  }
}
