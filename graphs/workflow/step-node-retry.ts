import { isGraphBubbleUp } from '@langchain/langgraph'
import { AppError, isAppError } from '../../store/app-error.js'
import { parseDuration, type RetrySpec } from './spec-schema.js'

/** What one attempt gets: the signal to honour (run cancel + step timeout) and the step timeout in ms. */
export interface AttemptContext {
  signal: AbortSignal | undefined
  timeoutMs: number | undefined
  attempt: number
}

export interface RetryOutcome<T> {
  ok: boolean
  value?: T
  error?: unknown
  attempts: number
}

const DEFAULT_INITIAL_MS = 1_000
const DEFAULT_FACTOR = 2
const DEFAULT_MAX_MS = 60_000

/** Delay before retry `n` (1-based): `initial · factor^(n-1)`, capped at `max`. No jitter: runs are reproducible. */
export function backoffMs(retry: RetrySpec | undefined, n: number): number {
  const b = retry?.backoff
  const initial = b?.initial === undefined ? DEFAULT_INITIAL_MS : parseDuration(b.initial)
  const max = b?.max === undefined ? DEFAULT_MAX_MS : parseDuration(b.max)
  return Math.min(initial * (b?.factor ?? DEFAULT_FACTOR) ** (n - 1), max)
}

/**
 * The codes an error answers to in `non_retryable`: its AppError code (`VALIDATION`, `UPSTREAM`, …),
 * `TIMEOUT` when a timeout ended it, and `exit:<n>` for a process that exited with `n`.
 */
export function errorCodes(e: unknown): string[] {
  if (!isAppError(e)) return ['INTERNAL']
  const d = e.details ?? {}
  return [e.code, ...(d.timed_out === true ? ['TIMEOUT'] : []), ...(typeof d.exit_code === 'number' ? [`exit:${d.exit_code}`] : [])]
}

/** Interrupts and parent commands travel through nodes untouched; a cancelled run is never retried. */
export const mustPropagate = (e: unknown, signal: AbortSignal | undefined): boolean =>
  isGraphBubbleUp(e) || signal?.aborted === true

const sleep = (ms: number, signal: AbortSignal | undefined) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(new AppError('CANCELLED', 'run cancelled'))
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
  const onAbort = () => { clearTimeout(t); reject(new AppError('CANCELLED', 'run cancelled')) }
  signal?.addEventListener('abort', onAbort, { once: true })
})

/** Runs `fn` with the step timeout: its signal aborts at the deadline and a late result is refused with `CANCELLED` (`details.timed_out`). */
async function withTimeout<T>(step: string, timeoutMs: number | undefined, run: AbortSignal | undefined, fn: (c: Omit<AttemptContext, 'attempt'>) => Promise<T>): Promise<T> {
  if (timeoutMs === undefined) return fn({ signal: run, timeoutMs })
  const ctl = new AbortController()
  const signal = run ? AbortSignal.any([run, ctl.signal]) : ctl.signal
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AppError('CANCELLED', `step ${step} timed out after ${timeoutMs} ms`, { details: { step, timed_out: true, timeout_ms: timeoutMs } })
      ctl.abort(err)
      reject(err)
    }, timeoutMs)
  })
  try {
    return await Promise.race([fn({ signal, timeoutMs }), timedOut])
  } catch (e) {
    // an executor that noticed the deadline first reports its own error; mark it as a timeout all the same
    if (ctl.signal.aborted && !run?.aborted && isAppError(e) && e.details?.timed_out !== true) throw ctl.signal.reason
    throw e
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs one unit of a step (one item, one iteration) with the step's `timeout` per attempt and its
 * `retry` policy; never throws for a step failure (the outcome says), only for interrupts and a cancelled run.
 */
export async function runWithRetry<T>(opts: { step: string; retry?: RetrySpec; timeoutMs?: number; signal?: AbortSignal }, fn: (c: AttemptContext) => Promise<T>): Promise<RetryOutcome<T>> {
  const limit = opts.retry?.limit ?? 0
  const nonRetryable = new Set(opts.retry?.non_retryable ?? [])
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await withTimeout(opts.step, opts.timeoutMs, opts.signal, (c) => fn({ ...c, attempt }))
      return { ok: true, value, attempts: attempt }
    } catch (e) {
      if (mustPropagate(e, opts.signal)) throw e
      if (attempt > limit || errorCodes(e).some((c) => nonRetryable.has(c))) return { ok: false, error: e, attempts: attempt }
      await sleep(backoffMs(opts.retry, attempt), opts.signal)
    }
  }
}
