import { z } from 'zod'
import { AppError } from '../../store/app-error.js'

/** What every step executor receives besides its `with` parameters. */
export interface StepContext {
  /** Absolute folder the workflow may touch; every path a step reads or writes stays inside it. */
  workspace: string
  /** The workflow's `env` (already rendered); shell steps pick allowlisted names from here first. */
  env: Record<string, string>
  /** Aborts the step (run cancelled); executors stop their work and throw `CANCELLED`. */
  signal?: AbortSignal
  /** The step-level `timeout` set by the compiler; the tighter of it and a `with.timeout` wins. */
  timeoutMs?: number
}

/**
 * One step type: the zod schema of its `with` (looked up at compile time and published as JSON
 * Schema, so it holds no transforms) and the function that runs already-parsed parameters.
 */
export interface StepExecutor<S extends z.ZodType = z.ZodType, O = unknown> {
  params: S
  run(params: z.output<S>, ctx: StepContext): Promise<O>
}

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const

/** A duration as written in YAML: a number of seconds, or `"500ms"`, `"30s"`, `"5m"`, `"1h"`. */
export const Duration = z.union([
  z.number().positive().describe('seconds'),
  z.string().regex(DURATION_RE, 'a duration such as 500ms, 30s, 5m or 1h'),
])
export type Duration = z.infer<typeof Duration>

/**
 * Milliseconds of a {@link Duration}; throws `VALIDATION` on anything else.
 *
 * @example
 * durationMs(30) // 30_000
 * durationMs('5m') // 300_000
 */
export function durationMs(value: number | string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.round(value * 1_000)
  const m = typeof value === 'string' ? DURATION_RE.exec(value.trim()) : null
  if (!m) throw new AppError('VALIDATION', `invalid duration: ${String(value)}`, { details: { value } })
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS])
}

/** The tighter of a step's own `with.timeout` and the compiler's step timeout, if any. */
export function effectiveTimeoutMs(own: Duration | undefined, ctx: StepContext, fallbackMs?: number): number | undefined {
  const candidates = [own === undefined ? fallbackMs : durationMs(own), ctx.timeoutMs]
    .filter((t): t is number => t !== undefined && t > 0)
  return candidates.length ? Math.min(...candidates) : undefined
}

/** The `CANCELLED` error every executor throws when `ctx.signal` aborts. */
export const cancelled = (step: string, cause?: unknown) =>
  new AppError('CANCELLED', `${step} step cancelled`, { cause, details: { step } })

/** Resolves after `ms`, or rejects with {@link cancelled} as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, step: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(step, signal.reason))
    const onAbort = () => {
      clearTimeout(timer)
      reject(cancelled(step, signal?.reason))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The last `max` characters of `text`, for error details (stderr tails). */
export const tail = (text: string, max = 2_000) => (text.length > max ? `…${text.slice(-max)}` : text)
