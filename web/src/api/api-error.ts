/** What went wrong with a request, in the terms a view shows. */
export type ApiErrorKind = 'not-found' | 'unauthorized' | 'bad-request' | 'down' | 'server'

export class ApiError extends Error {
  constructor(readonly kind: ApiErrorKind, message: string, readonly status?: number, readonly code?: string) {
    super(message)
    this.name = 'ApiError'
  }
}

const KIND_OF_STATUS: Record<number, ApiErrorKind> = { 400: 'bad-request', 401: 'unauthorized', 403: 'unauthorized', 404: 'not-found', 409: 'bad-request', 422: 'bad-request' }

/** The server's JSON error body (`{code, message}`), or the text as it came. */
function parseBody(text: string): { code?: string; message: string } {
  try {
    const j = JSON.parse(text) as { code?: unknown; message?: unknown; detail?: unknown }
    const message = typeof j.message === 'string' ? j.message : typeof j.detail === 'string' ? j.detail : text
    return { code: typeof j.code === 'string' ? j.code : undefined, message }
  } catch {
    return { message: text }
  }
}

/**
 * Any failure of the SDK or of fetch as an ApiError: the SDK's `HTTPError` ("HTTP 404: {json}"),
 * a network failure (TypeError "Failed to fetch": the server is down or unreachable), or anything else.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const err = e as { status?: unknown; message?: unknown; name?: unknown }
  if (typeof err?.status === 'number') {
    const text = typeof err.message === 'string' ? err.message.replace(/^HTTP \d+: /, '') : ''
    const { code, message } = parseBody(text)
    return new ApiError(KIND_OF_STATUS[err.status] ?? (err.status >= 500 ? 'server' : 'bad-request'), message || `HTTP ${err.status}`, err.status, code)
  }
  // fetch's own TypeError, or the SDK's ConnectionError wrapping it
  if (e instanceof TypeError || err?.name === 'TypeError') return new ApiError('down', `the server is unreachable (${String(err.message)})`)
  if (err?.name === 'ConnectionError') return new ApiError('down', `the server is unreachable (${String(err.message).replace(/^.*Original error: /, '')})`)
  return new ApiError('server', typeof err?.message === 'string' ? err.message : String(e))
}
