import { interrupt } from '@langchain/langgraph'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { renderWith } from './compile-scope.js'
import { parseDuration, type StepSpec } from './spec-schema.js'
import { fieldsSchema } from './step-node-agent.js'
import type { StepKind } from './step-node.js'

export const HUMAN_ACTIONS = ['approve', 'reject', 'amend', 'value'] as const

/** `with` of a human step: what to ask, and the shape of an amended or entered value as `{ field: type }`. */
export const HumanParams = z.strictObject({
  prompt: z.string().min(1),
  schema: z.record(z.string(), z.string()).optional(),
})
type HumanParams = z.output<typeof HumanParams>

/** What the run stops with (the interrupt's value). `error` says why the previous answer was refused. */
export interface HumanPayload {
  type: 'human'
  step: string
  prompt: string
  actions: readonly string[]
  schema?: Record<string, string>
  /** With a `timeout`: how long the person has, and the deadline counted from when this prompt was issued. */
  timeout_ms?: number
  deadline?: string
  error?: string
}

/** The resume value: `{ action, value?, reason? }`; `timeout` only for a step with a `timeout`. */
export const HumanAnswer = z.strictObject({
  action: z.enum([...HUMAN_ACTIONS, 'timeout']),
  value: z.unknown().optional(),
  reason: z.string().max(10_000).optional(),
})
export type HumanAnswer = z.infer<typeof HumanAnswer>

/**
 * A human step: `interrupt()` with a {@link HumanPayload}; a resume that fails {@link HumanAnswer}
 * (or, for `amend`/`value`, the step's `schema`) asks again with `error`. Outputs `{ action, value,
 * reason }`. `reject` fails the step (code `CANCELLED`, outputs kept) so `on_error` or
 * `continue_on_error` decide what follows; `{ action: 'timeout' }` (sent by whoever watches the
 * deadline, e.g. a run queued with `after_seconds`) fails it as timed out, which routes to `on_timeout`.
 * Nothing before `interrupt()` has side effects, so re-running the node on resume is safe.
 */
export function humanKind(step: StepSpec): StepKind {
  const timeoutMs = step.timeout === undefined ? undefined : parseDuration(step.timeout)
  return {
    waits: true,
    prepare: (scope) => HumanParams.parse(renderWith(step.with, scope)),
    run: async (raw) => {
      const p = raw as HumanParams
      const valueSchema = p.schema ? fieldsSchema(p.schema) : undefined
      let error: string | undefined
      for (;;) {
        const payload: HumanPayload = {
          type: 'human', step: step.id, prompt: p.prompt, actions: HUMAN_ACTIONS,
          ...(p.schema ? { schema: p.schema } : {}),
          ...(timeoutMs === undefined ? {} : { timeout_ms: timeoutMs, deadline: new Date(Date.now() + timeoutMs).toISOString() }),
          ...(error ? { error } : {}),
        }
        const parsed = HumanAnswer.safeParse(interrupt(payload))
        if (!parsed.success) { error = `invalid answer: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`; continue }
        const a = parsed.data
        if (a.action === 'timeout' && timeoutMs === undefined) { error = 'invalid answer: this step has no timeout'; continue }
        if ((a.action === 'amend' || a.action === 'value') && valueSchema) {
          const v = valueSchema.safeParse(a.value)
          if (!v.success) { error = `invalid value: ${v.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`; continue }
        }
        const outputs = { action: a.action, value: a.value ?? null, reason: a.reason ?? null }
        if (a.action === 'reject') {
          throw new AppError('CANCELLED', `step ${step.id} rejected${a.reason ? `: ${a.reason}` : ''}`, { details: { step: step.id, outputs } })
        }
        if (a.action === 'timeout') {
          throw new AppError('CANCELLED', `step ${step.id}: no answer within ${timeoutMs} ms`, { details: { step: step.id, outputs, timed_out: true } })
        }
        return outputs
      }
    },
  }
}
