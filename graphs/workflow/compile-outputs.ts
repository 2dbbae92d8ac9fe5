import type { WorkflowPlan } from './compile-plan.js'
import { baseScope, evalValue, toStepError } from './compile-scope.js'
import type { StepSpec, WorkflowSpec } from './spec-schema.js'
import { routeOf } from './step-node.js'
import type { StepError, WorkflowStateT, WorkflowUpdate } from './workflow-state.js'

/**
 * The steps whose failure the workflow did not handle: failed, without `continue_on_error`, and
 * with no `on_error`/`on_timeout` handler that ran (a handler that itself fails is unhandled in turn).
 */
export function unhandledFailures(spec: WorkflowSpec, state: Pick<WorkflowStateT, 'steps'>): StepSpec[] {
  return spec.steps.filter((s) => {
    const r = state.steps[s.id]
    if (r?.status !== 'failed' || s.continue_on_error === true) return false
    const handler = routeOf(s, r)
    return handler === undefined || state.steps[handler] === undefined || state.steps[handler]?.status === 'skipped'
  })
}

/**
 * The `__outputs__` node: runs once, after every step. Status `failed` when a step failed unhandled
 * (`error` is the first such step's error) or an output could not be computed; else `succeeded`.
 * Outputs are evaluated over the base scope (`inputs`, `env`, `steps`, `context`); an output that
 * reads a skipped step's outputs yields `undefined` as an expression and fails as a template.
 */
export function outputsNode(spec: WorkflowSpec, _plan: WorkflowPlan) {
  return (state: WorkflowStateT): WorkflowUpdate => {
    let error: StepError | null = null
    const failed = unhandledFailures(spec, state)[0]
    if (failed) {
      const e = state.steps[failed.id]?.error
      error = { code: e?.code ?? 'INTERNAL', message: `step ${failed.id} failed: ${e?.message ?? 'unknown error'}`, details: { step: failed.id } }
    }
    const outputs: Record<string, unknown> = {}
    try {
      const scope = baseScope(spec, state)
      for (const [name, o] of Object.entries(spec.outputs ?? {})) outputs[name] = evalValue(typeof o === 'string' ? o : o.value, scope) ?? null
    } catch (e) {
      error ??= toStepError(e)
    }
    return { outputs, status: error ? 'failed' : 'succeeded', error }
  }
}
