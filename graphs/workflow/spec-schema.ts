/**
 * The language of a YAML workflow file, as one zod schema (also published as
 * `schema/workflow.schema.json`). Keys follow GitHub Actions and Argo where they fit. Objects are
 * strict: an unknown key is an error. Values are kept as written (durations stay `"5m"`, `needs`
 * stays a string or a list): the compiler normalises, the validator reports on what the author wrote.
 * Step references (`needs`, `on_error`, `on_timeout`, `next`) are checked by the validator, not here,
 * so it can report them under their own rule.
 */
import { z } from 'zod'
import { ExpressionOrTemplate, Identifier, StepSpec } from './step-schema.js'

export { Duration, parseDuration, DURATION_PATTERN, MAX_DURATION_MS } from './duration.js'
export {
  CacheSpec, Expression, ExpressionOrTemplate, Identifier, IDENTIFIER_PATTERN, isTemplate, LoopSpec, NextSpec,
  RetrySpec, STEP_TYPES, StepSpec, StepType,
} from './step-schema.js'

export const INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const
export type InputType = (typeof INPUT_TYPES)[number]

/** Whether `v` is a value of input type `t` (an absent `type` means `string`). */
export function matchesInputType(v: unknown, t: InputType = 'string'): boolean {
  if (t === 'array') return Array.isArray(v)
  if (t === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v)
  return typeof v === t && !(t === 'number' && !Number.isFinite(v))
}

export const InputSpec = z.strictObject({
  type: z.enum(INPUT_TYPES).optional().describe('Defaults to string'),
  description: z.string().optional(),
  default: z.unknown().optional(),
  required: z.boolean().optional(),
}).superRefine((i, ctx) => {
  if (i.default !== undefined && !matchesInputType(i.default, i.type)) {
    ctx.addIssue({ code: 'custom', path: ['default'], message: `default is not of type ${i.type ?? 'string'}` })
  }
})
export type InputSpec = z.infer<typeof InputSpec>

export const WorkflowOutputSpec = z.union([
  ExpressionOrTemplate,
  z.strictObject({ value: ExpressionOrTemplate, description: z.string().optional() }),
])
export type WorkflowOutputSpec = z.infer<typeof WorkflowOutputSpec>

/** A folder relative to the workflow file, never absolute and never climbing out with `..`. */
export const RelativePath = z.string().min(1)
  .refine((p) => !/^(?:[/\\]|[A-Za-z]:)/.test(p), 'must be a relative path')
  .refine((p) => !p.split(/[/\\]/).includes('..'), "must not contain '..'")

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')

export const WorkflowSpec = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().optional(),
  version: z.union([z.string().min(1), z.number()]).optional(),
  inputs: z.record(Identifier, InputSpec).optional(),
  outputs: z.record(Identifier, WorkflowOutputSpec).optional(),
  env: z.record(EnvName, z.union([z.string(), z.number(), z.boolean()])).optional(),
  workspace: RelativePath.optional().describe('Folder the steps work in, relative to the workflow file'),
  steps: z.array(StepSpec).min(1).max(500),
}).superRefine((w, ctx) => {
  // runs even when a step failed its own schema (`when`), so read the steps defensively
  const steps: unknown = typeof w === 'object' && w !== null ? w.steps : undefined
  if (!Array.isArray(steps)) return
  const first = new Map<string, number>()
  steps.forEach((s: unknown, i) => {
    const id = typeof s === 'object' && s !== null ? (s as { id?: unknown }).id : undefined
    if (typeof id !== 'string') return
    const at = first.get(id)
    if (at === undefined) first.set(id, i)
    else ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id '${id}' (first at steps.${at})` })
  })
}, { when: () => true }).describe('A Switchyard workflow')
export type WorkflowSpec = z.infer<typeof WorkflowSpec>
export type WorkflowInput = z.input<typeof WorkflowSpec>

/** The step ids of a spec's `needs`, always as a list. */
export const needsOf = (s: StepSpec): string[] => (s.needs === undefined ? [] : typeof s.needs === 'string' ? [s.needs] : s.needs)
