import { executeStep, RAW_WITH_KEYS, type ExecutorStepType } from '../../agents/steps/registry.js'
import { evalExpression } from './expression.js'
import { renderWith, type Scope } from './compile-scope.js'
import { isTemplate, type StepSpec } from './spec-schema.js'
import type { StepKind } from './step-node.js'

/**
 * A shell, template, webhook or assert step: `with` rendered with Liquid over the scope (keys in
 * `RAW_WITH_KEYS` as written: the executor renders them itself), then `executeStep`. An assert's
 * `condition` written as a plain string is an expression, evaluated over the scope (a template is
 * rendered and judged by the executor). A shell `run` array stays an argv: a rendered value is one
 * argument and never reaches a shell unless the step says `shell: true`.
 */
export function executorKind(step: StepSpec, type: ExecutorStepType, workspace: string): StepKind {
  const condition = type === 'assert' ? step.with?.condition : undefined
  const expression = typeof condition === 'string' && !isTemplate(condition) ? condition : undefined
  return {
    prepare: (scope: Scope) => {
      const params = renderWith(step.with, scope, RAW_WITH_KEYS[type])
      if (expression !== undefined) params.condition = evalExpression(expression, scope) ?? null
      return params
    },
    run: (params, scope, ctx) =>
      executeStep(type, params, { workspace, env: scope.env as Record<string, string>, signal: ctx.signal, timeoutMs: ctx.timeoutMs }),
  }
}
