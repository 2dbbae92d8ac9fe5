/** The `error` event's payload. */
export const errorData = (e: unknown) =>
  e instanceof Error ? { error: e.name, message: e.message } : { error: 'Error', message: String(e) }
