import { AppError, toAppError, type ErrorCode } from '../../store/app-error.js'
import { wireJson } from '../../runtime/wire-json.js'
import { redactText, redactValue } from '../../store/secret-redaction.js'

/** The protocol's closed set of error codes (`@langchain/protocol` `ErrorCode`). */
export const PROTOCOL_ERROR_CODES = [
  'invalid_argument', 'unknown_command', 'unknown_error', 'no_such_run', 'no_such_subscription',
  'no_such_namespace', 'no_such_interrupt', 'no_such_checkpoint', 'permission_denied', 'not_supported',
] as const
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number]

/** A path in the agent tree: `[]` is the root graph, `["node:task-id"]` a subgraph under it. */
export type Namespace = string[]

/** Server → client push: one event of the thread, with a thread-wide `seq` and a stable `event_id`. */
export interface ProtocolEvent {
  type: 'event'
  event_id: string
  seq: number
  method: string
  params: { namespace: Namespace; timestamp: number; node?: string; data: unknown }
}

/** The answer to a command that succeeded. */
export interface SuccessFrame { type: 'success'; id: number; result: Record<string, unknown>; meta?: Record<string, unknown> }

/**
 * The answer to a command (or frame) that failed: `error` is the protocol code the SDK reads
 * (`ProtocolError.code`); `code` is the Switchyard error code the HTTP API uses for the same failure.
 */
export interface ErrorFrame {
  type: 'error'
  id: number | null
  error: ProtocolErrorCode
  message: string
  code: ErrorCode
  details?: Record<string, unknown>
}

export type ServerFrame = ProtocolEvent | SuccessFrame | ErrorFrame

const APP_CODE_OF: Record<ProtocolErrorCode, ErrorCode> = {
  invalid_argument: 'VALIDATION', unknown_command: 'VALIDATION', not_supported: 'VALIDATION', permission_denied: 'VALIDATION',
  no_such_run: 'NOT_FOUND', no_such_subscription: 'NOT_FOUND', no_such_namespace: 'NOT_FOUND',
  no_such_interrupt: 'NOT_FOUND', no_such_checkpoint: 'NOT_FOUND', unknown_error: 'INTERNAL',
}

// codes not listed (HANDOFF, UPSTREAM, INTERNAL ...) are unknown_error
const PROTOCOL_CODE_OF: Record<string, ProtocolErrorCode | undefined> = {
  VALIDATION: 'invalid_argument', NOT_FOUND: 'invalid_argument', CONFLICT: 'invalid_argument', TOO_LARGE: 'invalid_argument',
  UNAUTHORIZED: 'permission_denied', FORBIDDEN: 'permission_denied',
}

/**
 * An AppError that carries the protocol code it must be answered with.
 *
 * @example
 * throw protocolFault('no_such_checkpoint', `thread ${t} has no checkpoint ${id}`)
 */
export function protocolFault(error: ProtocolErrorCode, message: string, opts: { cause?: unknown; details?: Record<string, unknown> } = {}): AppError {
  return new AppError(APP_CODE_OF[error], message, { cause: opts.cause, details: { ...opts.details, protocol_error: error } })
}

/** Answers an AppError of one code (e.g. NOT_FOUND from the store) with a precise protocol code; its own code stays. */
export async function relabel<T>(p: Promise<T>, from: ErrorCode, to: ProtocolErrorCode): Promise<T> {
  try {
    return await p
  } catch (e) {
    const err = toAppError(e)
    if (err.code !== from) throw err
    throw new AppError(err.code, err.message, { cause: e, details: { ...err.details, protocol_error: to } })
  }
}

/** Any failure as an error frame; internal errors keep their message, never their stack or cause. */
export function errorFrame(id: number | null, e: unknown): ErrorFrame {
  const err = toAppError(e)
  const { protocol_error: given, ...details } = err.details ?? {}
  const error = PROTOCOL_ERROR_CODES.includes(given as ProtocolErrorCode) ? (given as ProtocolErrorCode) : PROTOCOL_CODE_OF[err.code] ?? 'unknown_error'
  return { type: 'error', id, error, message: redactText(err.message), code: err.code, ...(Object.keys(details).length > 0 ? { details: redactValue(details) } : {}) }
}

/** The answer to a command that succeeded. */
export const successFrame = (id: number, result: Record<string, unknown>, meta?: Record<string, unknown>): SuccessFrame =>
  ({ type: 'success', id, result, ...(meta ? { meta } : {}) })

/** JSON text of a frame; LangChain messages inside state values become plain dicts. */
export const encodeFrame = (f: ServerFrame): string => wireJson(f)
