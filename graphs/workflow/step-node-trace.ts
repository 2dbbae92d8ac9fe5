import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { SpanStatusCode } from '@opentelemetry/api'
import { inSpan } from '../../agents/tracing/span-helpers.js'
import { ATTR, SPAN } from '../../agents/tracing/trace-names.js'
import type { StepSpec } from './spec-schema.js'
import type { WorkflowStateT, WorkflowUpdate } from './workflow-state.js'

type StepNodeFn = (state: WorkflowStateT, config: LangGraphRunnableConfig) => Promise<WorkflowUpdate>

/**
 * A step's node inside a `step {id}` span: its type, and once it ran its status, attempts (retries
 * included) and whether the step cache answered. A failed step (a recorded failure, not a throw) sets
 * the span's status to ERROR with the step error's code as `error.type`.
 */
export function traceStepNode(step: StepSpec, node: StepNodeFn): StepNodeFn {
  const attributes = { [ATTR.stepId]: step.id, [ATTR.stepType]: step.type, [ATTR.nodeName]: step.id }
  return (state, config) => inSpan(SPAN.step(step.id), { attributes }, async (span) => {
    const update = await node(state, config)
    const r = update.steps?.[step.id]
    if (r && span.isRecording()) {
      span.setAttributes({ [ATTR.stepStatus]: r.status, [ATTR.stepAttempts]: r.attempts, [ATTR.stepCacheHit]: r.cached === true })
      if (r.status === 'failed') {
        span.setAttribute(ATTR.errorType, r.error?.code ?? '_OTHER')
        span.setStatus({ code: SpanStatusCode.ERROR, message: r.error?.message ?? 'step failed' })
      }
    }
    return update
  })
}

/** One attempt of a step's executor inside a `step_attempt {id}` span (numbered from 1; a failure marks it failed). */
export const traceAttempt = <T>(step: StepSpec, attempt: number, fn: () => Promise<T>): Promise<T> =>
  inSpan(SPAN.stepAttempt(step.id), { attributes: { [ATTR.stepId]: step.id, [ATTR.stepType]: step.type, [ATTR.stepAttempt]: attempt } }, fn)
