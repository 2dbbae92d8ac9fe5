import type { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { AssertParams, runAssertStep } from './assert-step.js'
import { ShellParams, runShellStep } from './shell-step.js'
import type { StepContext, StepExecutor } from './step-context.js'
import { TemplateParams, runTemplateStep } from './template-step.js'
import { WebhookParams, runWebhookStep } from './webhook-step.js'

export { durationMs, Duration } from './step-context.js'
export type { StepContext, StepExecutor } from './step-context.js'

/**
 * The executors of the step types that are plain functions, by step `type`. The compiler looks a
 * step's `params` up here to validate its `with` and to publish the JSON Schema, then calls `run`.
 *
 * `agent`, `human` and `workflow` steps are not here: they need the model providers, LangGraph
 * interrupts and a compiled subgraph, so the compiler in graphs/ builds those nodes itself.
 */
export const STEP_EXECUTORS = {
  shell: { params: ShellParams, run: runShellStep },
  template: { params: TemplateParams, run: runTemplateStep },
  webhook: { params: WebhookParams, run: runWebhookStep },
  assert: { params: AssertParams, run: runAssertStep },
} as const satisfies Record<string, StepExecutor>

export type ExecutorStepType = keyof typeof STEP_EXECUTORS

/** `with` keys the compiler must pass through unrendered, because the executor renders them itself. */
export const RAW_WITH_KEYS: Readonly<Record<ExecutorStepType, readonly string[]>> = {
  shell: [],
  template: ['template'],
  webhook: [],
  assert: [],
}

export const isExecutorStepType = (type: string): type is ExecutorStepType =>
  Object.hasOwn(STEP_EXECUTORS, type)

/**
 * Validates a (rendered) `with` block against its step type's schema; `VALIDATION` with the zod
 * issues in details when it does not fit. Defaults are applied.
 *
 * @example
 * parseStepParams('shell', { run: ['echo', 'hi'] }) // { run: ['echo', 'hi'], shell: false, max_output_bytes: 1048576, … }
 */
export function parseStepParams<T extends ExecutorStepType>(
  type: T,
  raw: unknown,
): z.output<(typeof STEP_EXECUTORS)[T]['params']> {
  const r = STEP_EXECUTORS[type].params.safeParse(raw ?? {})
  if (!r.success) {
    throw new AppError('VALIDATION', `invalid with for a ${type} step: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
      details: { step_type: type, issues: r.error.issues },
    })
  }
  return r.data as z.output<(typeof STEP_EXECUTORS)[T]['params']>
}

/**
 * Parses `raw` with the step type's schema, then runs it: the one call the compiler makes per step.
 *
 * @example
 * await executeStep('assert', { condition: true }, { workspace: '/ws', env: {} }) // { passed: true }
 */
export async function executeStep(type: ExecutorStepType, raw: unknown, ctx: StepContext): Promise<unknown> {
  if (!isExecutorStepType(type)) throw new AppError('VALIDATION', `unknown step type: ${String(type)}`)
  const executor: StepExecutor = STEP_EXECUTORS[type]
  return executor.run(parseStepParams(type, raw), ctx)
}
