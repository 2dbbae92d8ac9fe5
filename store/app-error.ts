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
  /**
   * The database is busy: SQLite's write lock stayed held by another process past the busy timeout
   * (`SQLITE_BUSY`, "database is locked"), or Postgres gave up on a lock (deadlock, lock timeout). The
   * statement was not applied; retry after `Retry-After` seconds.
   */
  BUSY: 503,
  /** The database's disk is full (SQLite `SQLITE_FULL`): nothing was written; retry once space is freed. */
  STORAGE_FULL: 507,
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

/** Whether `e` (or an error in its `cause` chain) is SQLite's "database or disk is full". */
export function isStorageFull(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 8; x = x.cause, depth++) {
    if (isAppError(x) && x.code === 'STORAGE_FULL') return true
    if ((x as { code?: unknown }).code === 'SQLITE_FULL') return true
  }
  return false
}

/** Seconds a client is told to wait before retrying a BUSY answer (HTTP `Retry-After`). */
export const BUSY_RETRY_AFTER_S = 1

/** Postgres codes of a lock given up on: deadlock_detected, lock_not_available (lock_timeout). */
const PG_BUSY = new Set(['40P01', '55P03'])

/**
 * Whether `e` (or an error in its `cause` chain) is the database refusing for a lock held elsewhere:
 * SQLite's SQLITE_BUSY ("database is locked": another process held the write lock past the busy
 * timeout) or SQLITE_LOCKED, Postgres's deadlock or lock timeout. Nothing of that statement was written.
 */
export function isDatabaseBusy(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 8; x = x.cause, depth++) {
    if (isAppError(x) && x.code === 'BUSY') return true
    const code = (x as { code?: unknown }).code
    if (typeof code === 'string' && (/^SQLITE_(BUSY|LOCKED)(_|$)/.test(code) || PG_BUSY.has(code))) return true
  }
  return false
}

export function toAppError(e: unknown): AppError {
  if (isAppError(e) && e.code !== 'INTERNAL') return e
  if (isStorageFull(e)) {
    return new AppError('STORAGE_FULL', 'the database\'s disk is full (SQLITE_FULL): nothing was written; free space and retry', { cause: e })
  }
  if (isDatabaseBusy(e)) {
    const cause = e instanceof Error ? e.message : String(e)
    return new AppError('BUSY', `the database is busy (${cause}): another process held its lock too long; this request's last write was not applied, retry in ${BUSY_RETRY_AFTER_S} s`, {
      cause: e, details: { retry_after: BUSY_RETRY_AFTER_S },
    })
  }
  if (isAppError(e)) return e
  const err = new AppError('INTERNAL', e instanceof Error ? e.message : 'Internal error', { cause: e })
  if (e instanceof Error && e.stack) err.stack = e.stack
  return err
}
