import { redactText } from '../store/secret-redaction.js'

/** The `error` event's payload (credentials redacted: a user graph's error may quote one). */
export const errorData = (e: unknown) =>
  e instanceof Error ? { error: e.name, message: redactText(e.message) } : { error: 'Error', message: redactText(String(e)) }
