import { z } from 'zod'
import { renderDeep, renderTemplate } from '../../agents/steps/liquid.js'
import { AppError, toAppError } from '../../store/app-error.js'
import { parseInputWith } from '../registry.js'
import { evalExpression, truthy } from './expression.js'
import { isTemplate, type InputSpec, type WorkflowSpec } from './spec-schema.js'
import type { StepError, StepRecord } from './workflow-state.js'

/**
 * What templates and expressions see. Base scope: `inputs` (defaults applied), `env` (the
 * workflow's `env`, rendered over `inputs`; never the process environment), `steps` (id →
 * `{ status, outputs, error, attempts, … }`) and `context` (seed 004's flat view: the inputs, then
 * every finished step's outputs merged in declaration order). Steps add `item`/`index` (for_each),
 * `iteration`/`previous` (loop) and, for `outputs` and `until`, `result` (the executor's result).
 */
export type Scope = Record<string, unknown>

const FIELD: Record<NonNullable<InputSpec['type']>, () => z.ZodType> = {
  string: () => z.string(),
  number: () => z.number().finite(),
  boolean: () => z.boolean(),
  object: () => z.record(z.string(), z.unknown()),
  array: () => z.array(z.unknown()),
}

/** A zod object of the workflow's declared inputs: typed, `required` ones mandatory, defaults applied, unknown keys rejected. */
export function workflowInputSchema(spec: WorkflowSpec): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [name, i] of Object.entries(spec.inputs ?? {})) {
    let t = FIELD[i.type ?? 'string']()
    if (i.description) t = t.describe(i.description)
    shape[name] = i.default !== undefined ? t.default(i.default as never) : i.required ? t : t.optional()
  }
  return z.strictObject(shape)
}

/** Validates run inputs (`null`/`undefined` = none) against the declared inputs; `VALIDATION` naming the field. */
export const parseWorkflowInputs = (spec: WorkflowSpec, raw: unknown): Record<string, unknown> =>
  parseInputWith(workflowInputSchema(spec), raw ?? {}) as Record<string, unknown>

/** The declared defaults under the given inputs (for a graph invoked without `parseInput`). */
export function withDefaults(spec: WorkflowSpec, inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, i] of Object.entries(spec.inputs ?? {})) if (i.default !== undefined) out[name] = i.default
  return { ...out, ...inputs }
}

/** The base scope of a node. */
export function baseScope(spec: WorkflowSpec, state: { inputs: Record<string, unknown>; steps: Record<string, StepRecord> }): Scope {
  const inputs = withDefaults(spec, state.inputs)
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(spec.env ?? {})) env[k] = typeof v === 'string' ? renderTemplate(v, { inputs }) : String(v)
  const context: Record<string, unknown> = { ...inputs }
  for (const s of spec.steps) Object.assign(context, state.steps[s.id]?.outputs)
  return { inputs, env, steps: state.steps, context }
}

/** A value written as an expression or a template: a template renders to a string, an expression evaluates to any value. */
export const evalValue = (src: string, scope: Scope): unknown =>
  isTemplate(src) ? renderTemplate(src, scope) : evalExpression(src, scope)

/** Whether a condition (`if`, `until`) holds: a template's text read like `assert`, an expression by truthiness. */
export function holdsIn(src: string, scope: Scope): boolean {
  const v = evalValue(src, scope)
  if (typeof v === 'string' && isTemplate(src)) return !['', 'false', '0', 'no', 'null', 'nil', 'undefined'].includes(v.trim().toLowerCase())
  return truthy(v)
}

/** Renders a `with` block, leaving `raw` keys as written. */
export function renderWith(w: Record<string, unknown> | undefined, scope: Scope, raw: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(w ?? {})) out[k] = raw.includes(k) ? v : renderDeep(v, scope)
  return out
}

/** The step's outputs: the result's fields (a non-object result as `value`), then each declared output over the scope plus `result`. */
export function stepOutputs(declared: Record<string, string> | undefined, result: unknown, scope: Scope): Record<string, unknown> {
  const base: Record<string, unknown> = result !== null && typeof result === 'object' && !Array.isArray(result)
    ? { ...(result as Record<string, unknown>) } : result === undefined ? {} : { value: result }
  const s = { ...scope, result: base }
  for (const [k, src] of Object.entries(declared ?? {})) base[k] = evalValue(src, s)
  return base
}

/** An error as checkpointed state. */
export function toStepError(e: unknown): StepError {
  const a = toAppError(e)
  const details = a.details === undefined ? undefined : JSON.parse(JSON.stringify(a.details)) as Record<string, unknown>
  return { code: a.code, message: a.message, ...(details ? { details } : {}) }
}

/** `VALIDATION` for a `for_each` that is not a list. */
export const notAList = (step: string, v: unknown) =>
  new AppError('VALIDATION', `for_each of step ${step} is not a list (got ${v === null ? 'null' : typeof v})`, { details: { step } })
