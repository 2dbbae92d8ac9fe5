import { redactText } from '../store/secret-redaction.js'

/** The longest stack an `error` event carries (the top frames; a deep recursion's stack runs to megabytes). */
export const STACK_CAP = 4_000

/** An error's stack, redacted like its message (the stack repeats it) and cut to {@link STACK_CAP} characters. */
export function stackOf(e: unknown): string | undefined {
  if (!(e instanceof Error) || typeof e.stack !== 'string' || e.stack === '') return undefined
  const s = redactText(e.stack)
  return s.length > STACK_CAP ? `${s.slice(0, STACK_CAP)}\n    … (${s.length - STACK_CAP} more characters)` : s
}

/**
 * The `error` event's payload: the error's name, message and stack (credentials redacted: a user graph's
 * error may quote one), so the debugger can show where it was thrown.
 */
export function errorData(e: unknown): { error: string; message: string; stack?: string } {
  if (!(e instanceof Error)) return { error: 'Error', message: redactText(String(e)) }
  const stack = stackOf(e)
  return { error: e.name, message: redactText(e.message), ...(stack ? { stack } : {}) }
}
