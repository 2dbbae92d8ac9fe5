import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import type { StepContext } from './step-context.js'

/**
 * `with` of an `assert` step. `condition` arrives already evaluated: the compiler (graphs/)
 * evaluates the expression or renders the template, so this layer never parses expressions.
 */
export const AssertParams = z.strictObject({
  condition: z.unknown().describe('the evaluated condition: a boolean, or a value judged by truthiness'),
  message: z.string().optional().describe('the failure message'),
})
export type AssertParams = z.output<typeof AssertParams>

export interface AssertOutputs {
  passed: true
}

const FALSY_STRINGS = new Set(['', 'false', '0', 'no', 'null', 'nil', 'undefined'])

/**
 * Whether an evaluated condition holds. Booleans are themselves; a string is false when it reads
 * as false once trimmed and lowercased (`""`, `"false"`, `"0"`, `"no"`, `"null"`, `"nil"`,
 * `"undefined"`: what a rendered `{{ a == b }}` or an empty output looks like); numbers are false
 * at 0 and NaN; null and undefined are false; arrays and objects are false when empty
 * (`not_empty` semantics).
 *
 * @example
 * holds(true) // true
 * holds(' False ') // false
 * holds([]) // false
 */
export function holds(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (value === null || value === undefined) return false
  if (typeof value === 'string') return !FALSY_STRINGS.has(value.trim().toLowerCase())
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value)
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return Boolean(value)
}

/**
 * Runs an `assert` step: returns `{ passed: true }` when {@link holds}, else throws `VALIDATION`
 * with the step's `message` (default `assertion failed`) and the evaluated value in details.
 *
 * @example
 * await runAssertStep({ condition: false, message: 'coverage below 80%' }, ctx) // throws AppError VALIDATION
 */
export async function runAssertStep(p: AssertParams, _ctx: StepContext): Promise<AssertOutputs> {
  if (holds(p.condition)) return { passed: true }
  throw new AppError('VALIDATION', p.message ?? 'assertion failed', {
    details: { step: 'assert', condition: p.condition },
  })
}
