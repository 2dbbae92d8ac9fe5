import type { z } from 'zod'
import { parseDuration, type Duration } from './duration.js'
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

/** setTimeout fires at once past 2^31 - 1 ms (~24.8 days), so longer timeouts are clamped to it. */
export const MAX_TIMER_MS = 2_147_483_647

/** A duration as written in YAML (the workflow language's grammar): seconds, or `"500ms"`, `"30s"`, `"1h30m"`, `"1d"`. */
export { Duration } from './duration.js'

/**
 * Milliseconds of a {@link Duration} for a step's own `timeout`; throws `VALIDATION` on anything else,
 * and on zero (a timeout of nothing).
 *
 * @example
 * durationMs(30) // 30_000
 * durationMs('1m30s') // 90_000
 */
export function durationMs(value: number | string): number {
  const ms = Number.isFinite(value) || typeof value === 'string' ? parseDuration(value) : Number.NaN
  if (!(ms > 0)) throw new AppError('VALIDATION', `invalid duration: ${String(value)} (use seconds or e.g. 500ms, 30s, 5m, 1h30m)`, { details: { value } })
  return ms
}

/** The tighter of a step's own `with.timeout` and the compiler's step timeout, if any. */
export function effectiveTimeoutMs(own: Duration | undefined, ctx: StepContext, fallbackMs?: number): number | undefined {
  const candidates = [own === undefined ? fallbackMs : durationMs(own), ctx.timeoutMs]
    .filter((t): t is number => t !== undefined && t > 0)
  return candidates.length ? Math.min(...candidates, MAX_TIMER_MS) : undefined
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
