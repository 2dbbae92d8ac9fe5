/**
 * The one error type of Switchyard: a closed set of codes, thrown anywhere,
 * formatted once at the edge (HTTP JSON, CLI line + exit code, YAML file:line:col).
 */
export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  HANDOFF: 422,
  CANCELLED: 499,
  UPSTREAM: 502,
  INTERNAL: 500,
} as const satisfies Record<string, number>

export type ErrorCode = keyof typeof ERROR_STATUS

export class AppError extends Error {
  override readonly name = 'AppError'
  readonly details: Record<string, unknown> | undefined

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: opts.cause })
    this.details = opts.details
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }

  toJSON() {
    return { code: this.code, message: this.message, details: this.details }
  }
}

/** Name-based guard: survives duplicate module copies. */
export const isAppError = (e: unknown): e is AppError =>
  e instanceof Error && e.name === 'AppError' && 'code' in e

export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e
  const err = new AppError('INTERNAL', e instanceof Error ? e.message : 'Internal error', { cause: e })
  if (e instanceof Error && e.stack) err.stack = e.stack
  return err
}
