import { z } from 'zod'
import { Duration } from './duration.js'
import { isExpressionError, parseExpression } from './expression.js'

/** Step ids, input, output and `next` names: a letter or `_`, then letters, digits, `_` or `-`. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/
export const Identifier = z.string().max(64).regex(IDENTIFIER_PATTERN, 'an identifier: a letter or _, then letters, digits, _ or -')

export const STEP_TYPES = ['agent', 'shell', 'assert', 'template', 'webhook', 'human', 'workflow'] as const
export const StepType = z.enum(STEP_TYPES)
export type StepType = z.infer<typeof StepType>

/** A string holding Liquid markup (`{{ … }}` or `{% … %}`) is a template, any other an expression. */
export const isTemplate = (s: string): boolean => /\{\{|\{%/.test(s)

const checkExpression = (s: string, ctx: z.core.$RefinementCtx<string>) => {
  try {
    parseExpression(s)
  } catch (e) {
    if (!isExpressionError(e)) throw e
    ctx.addIssue({ code: 'custom', message: `invalid expression: ${e.message}`, params: { column: e.column } })
  }
}

/** An expression of the safe language (see `expression.ts`), checked for syntax here. */
export const Expression = z.string().min(1).superRefine(checkExpression)
  .describe('An expression: `steps.build.outputs.exit_code == 0 and not empty(inputs.files)`')
/** A Liquid template if it contains `{{`/`{%` (rendered with strict variables), else an expression. */
export const ExpressionOrTemplate = z.string().min(1)
  .superRefine((s, ctx) => (isTemplate(s) ? undefined : checkExpression(s, ctx)))
  .describe('An expression, or a Liquid template when it contains {{ }} or {% %}')

export const RetrySpec = z.strictObject({
  limit: z.int().min(0).max(100).describe('Retries after the first attempt'),
  backoff: z.strictObject({
    initial: Duration.optional(),
    factor: z.number().min(1).max(10).optional(),
    max: Duration.optional(),
  }).optional(),
  non_retryable: z.array(z.string().min(1)).optional().describe('Error codes that fail at once'),
})
export type RetrySpec = z.infer<typeof RetrySpec>

export const CacheSpec = z.strictObject({
  key: ExpressionOrTemplate.optional().describe('Extra content for the cache key'),
  ttl: Duration.optional().describe('How long an entry is reused; none = until `switchyard cache clear`'),
})
export type CacheSpec = z.infer<typeof CacheSpec>

export const LoopSpec = z.strictObject({
  until: Expression.describe('Checked after each iteration; true ends the loop'),
  max_iterations: z.int().min(1).max(10_000),
})
export type LoopSpec = z.infer<typeof LoopSpec>

/** Routing after a step: one step id, or the first route whose `if` holds (one without `if` always does). */
export const NextSpec = z.union([
  Identifier,
  z.array(z.strictObject({ if: Expression.optional(), goto: Identifier })).min(1),
])
export type NextSpec = z.infer<typeof NextSpec>

export const StepSpec = z.strictObject({
  id: Identifier,
  name: z.string().min(1).optional(),
  type: StepType,
  needs: z.union([Identifier, z.array(Identifier)]).optional().describe('Steps that must finish first'),
  if: Expression.optional().describe('Run the step only when this holds'),
  with: z.record(z.string(), z.unknown()).optional().describe('Parameters of the step type'),
  outputs: z.record(Identifier, ExpressionOrTemplate).optional(),
  retry: RetrySpec.optional(),
  timeout: Duration.optional(),
  cache: CacheSpec.optional(),
  continue_on_error: z.boolean().optional(),
  on_error: Identifier.optional().describe('Step to route to when this one fails'),
  for_each: z.union([Expression, z.array(z.unknown())]).optional().describe('Run once per item (as `item`, `index`)'),
  max_parallel: z.int().min(1).max(64).optional(),
  loop: LoopSpec.optional(),
  on_timeout: Identifier.optional().describe('human steps: step to route to when `timeout` passes'),
  next: NextSpec.optional(),
}).superRefine((s, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  if (s.max_parallel !== undefined && s.for_each === undefined) issue('max_parallel', 'max_parallel needs for_each')
  if (s.for_each !== undefined && s.loop !== undefined) issue('loop', 'a step cannot have both for_each and loop')
  if (s.on_timeout !== undefined && s.type !== 'human') issue('on_timeout', 'on_timeout is for human steps')
  else if (s.on_timeout !== undefined && s.timeout === undefined) issue('on_timeout', 'on_timeout needs a timeout')
})
export type StepSpec = z.infer<typeof StepSpec>
