import { isAppError, toAppError } from '../store/app-error.js'
import { redactText } from '../store/secret-redaction.js'

/** Exit codes of every command. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 3, CANCELLED: 4 } as const

/** Thrown for bad flags and arguments: one line on stderr, exit 2, nothing written. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Formats any error once, at the CLI edge: one line on stderr, and the exit code. */
export function reportError(e: unknown, print: (s: string) => void): number {
  const write = (s: string) => print(redactText(s))
  if (e instanceof UsageError) {
    write(`switchyard: ${e.message}\n`)
    return EXIT.USAGE
  }
  if (isAppError(e) && ['VALIDATION', 'NOT_FOUND', 'CONFLICT'].includes(e.code)) {
    write(`switchyard: ${e.message}\n`)
    return EXIT.USAGE
  }
  const err = toAppError(e)
  write(`switchyard: ${err.code}: ${err.message}\n`)
  if (process.env.SWITCHYARD_DEBUG) write(`${err.stack ?? ''}\n`)
  return EXIT.FAILED
}

/** Parses a JSON flag value or throws a UsageError naming the flag. */
export function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new UsageError(`${flag} is not valid JSON: ${(e as Error).message}`)
  }
}
