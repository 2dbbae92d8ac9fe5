/**
 * Keeps credentials out of everything the process writes: logs, run events, checkpoints, spans, error
 * answers. Two nets: the exact values the process was given (API keys, model and embedding keys,
 * registered where they are parsed) and the shapes of credentials in text (`Bearer …`, `sk-…`, the
 * WebSocket key subprotocol). A model endpoint that echoes the key it refused, or a tool whose error
 * quotes its request headers, then leaves `[REDACTED]` behind.
 *
 * A process-wide set on purpose, like a logger's redaction paths: a secret is secret in every runtime of
 * the process, and the error paths that need it (node spans, the HTTP edge, the logger) share no object.
 */
export const REDACTED = '[REDACTED]'

const known = new Set<string>()
// values shorter than this would blank ordinary words; 'not-needed' is the placeholder of keyless servers
const MIN_SECRET = 8
const PLACEHOLDERS = new Set(['not-needed', 'dummy', 'test-key'])

const SHAPES: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{12,}/g, `sk-${REDACTED}`],
  [/\bx-api-key\.[A-Za-z0-9_-]{6,}/gi, `x-api-key.${REDACTED}`],
]

/**
 * Remembers a credential (and its base64 forms: the WebSocket subprotocol, Basic auth) so that
 * {@link redactText} removes it wherever it turns up. Blank, short and placeholder values are ignored.
 */
export function registerSecret(value: string | undefined | null): void {
  const v = value?.trim()
  if (!v || v.length < MIN_SECRET || PLACEHOLDERS.has(v)) return
  known.add(v)
  known.add(Buffer.from(v, 'utf8').toString('base64url'))
  known.add(Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, ''))
}

/** `text` with every registered secret and every credential-shaped token replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  let out = text
  for (const s of known) if (out.includes(s)) out = out.split(s).join(REDACTED)
  for (const [re, to] of SHAPES) out = out.replace(re, to)
  return out
}

/** A JSON-like value with every string in it redacted (depth-limited; cycles are cut). */
export function redactValue<T>(v: T, depth = 0, seen = new WeakSet<object>()): T {
  if (typeof v === 'string') return redactText(v) as T
  if (v === null || typeof v !== 'object' || depth > 8 || seen.has(v)) return v
  seen.add(v)
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1, seen)) as T
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactValue(x, depth + 1, seen)])) as T
}

/**
 * Redacts an error in place (message, stack, string fields, nested plain objects such as an HTTP client's
 * `error` body or `headers`, and its `cause` chain) and returns it, so that its class and identity survive
 * for the code that catches it next (retry policies, `error.type` on spans).
 */
export function redactError<E>(e: E, depth = 0): E {
  if (!(e instanceof Error) || depth > 8) return e
  const rec = e as unknown as Record<string, unknown>
  for (const key of [...Object.getOwnPropertyNames(e), 'message', 'stack']) {
    let value: unknown
    try {
      value = rec[key]
    } catch {
      continue
    }
    if (key === 'cause') continue
    const clean = typeof value === 'string' ? redactText(value) : value !== null && typeof value === 'object' && !(value instanceof Error) ? redactValue(value) : value
    if (clean !== value) {
      try {
        rec[key] = clean
      } catch {
        // a read-only field keeps its value: the error paths redact the text they print again
      }
    }
  }
  if (e.cause !== undefined) redactError(e.cause, depth + 1)
  return e
}
