import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, BUSY_RETRY_AFTER_S, toAppError, type ErrorCode } from '../store/app-error.js'
import { redactValue } from '../store/secret-redaction.js'

const CODE_OF_STATUS: Record<number, ErrorCode> = { 400: 'VALIDATION', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'TOO_LARGE', 422: 'VALIDATION' }

/** Hono's own exceptions (malformed JSON, body limit) become AppErrors like every other failure. */
export function toHttpAppError(err: unknown): AppError {
  if (err instanceof HTTPException) {
    const code = CODE_OF_STATUS[err.status]
    if (code) return new AppError(code, err.message || 'invalid request', { cause: err })
  }
  return toAppError(err)
}

/**
 * The zod-validator hook of every route: a failed parse is a typed 400 naming each issue.
 *
 * @example
 * .post('/threads', zValidator('json', ThreadCreate, invalidInput), handler)
 */
export function invalidInput(r: { success: boolean; error?: { issues: readonly unknown[] }; target: string }): void {
  if (!r.success) {
    throw new AppError('VALIDATION', `invalid ${r.target === 'json' ? 'body' : r.target}`, { details: { target: r.target, issues: r.error?.issues ?? [] } })
  }
}

/**
 * `onError`: every error leaves as JSON `{code, message, details}` with its AppError's status.
 * Internal errors are logged with their cause; their message is kept (this is a local runtime, not a
 * multi-tenant service) but never their stack.
 */
export function errorHandler(log: (e: AppError) => void) {
  return function onError(err: unknown, c: Context) {
    const e = toHttpAppError(err)
    if (e.status >= 500) log(e)
    // the unread rest of a refused body would be taken for the next request on a kept-alive socket
    if (e.code === 'TOO_LARGE') c.header('Connection', 'close')
    // the database was locked by another process past its busy timeout: a retry shortly will do
    if (e.code === 'BUSY') c.header('Retry-After', String(BUSY_RETRY_AFTER_S))
    // the last net: a message or detail quoting a credential (an upstream's echo) leaves redacted
    return c.json(redactValue(e.toJSON()), e.status as 400)
  }
}

/** `notFound`: an unknown route is a 404 in the same JSON shape. */
export function routeNotFound(c: Context) {
  return c.json(new AppError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`).toJSON(), 404)
}
