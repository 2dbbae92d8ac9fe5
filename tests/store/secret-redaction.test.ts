import { describe, expect, it } from 'vitest'
import { AppError } from '../../store/app-error.js'
import { REDACTED, redactError, redactText, redactValue, registerSecret } from '../../store/secret-redaction.js'

const SECRET = 'opaque-credential-1b9f3e'

describe('secret redaction', () => {
  registerSecret(SECRET)
  registerSecret('short')
  registerSecret('not-needed')

  it('removes registered values and their base64 forms, and credential-shaped tokens, from text', () => {
    expect(redactText(`key ${SECRET} again ${SECRET}`)).toBe(`key ${REDACTED} again ${REDACTED}`)
    expect(redactText(`proto x-api-key.${Buffer.from(SECRET).toString('base64url')}`)).not.toContain(Buffer.from(SECRET).toString('base64url'))
    expect(redactText(`Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`)).toBe(`Basic ${REDACTED}`)
    expect(redactText('Authorization: Bearer abc.def-123_456')).toBe(`Authorization: Bearer ${REDACTED}`)
    expect(redactText('use sk-proj-AAAAbbbbCCCC1234 here')).toBe(`use sk-${REDACTED} here`)
    // short and placeholder values are not secrets: ordinary words survive
    expect(redactText('a short task, not-needed, task-abcdefghijklmnop')).toBe('a short task, not-needed, task-abcdefghijklmnop')
  })

  it('redacts an error in place: message, stack, string and plain-object fields, the cause chain; the class survives', () => {
    const cause = new Error(`upstream said ${SECRET}`)
    const e = Object.assign(new AppError('UPSTREAM', `401 Incorrect API key provided: Bearer ${SECRET}`, { cause, details: { echoed: SECRET } }), {
      error: { message: `key ${SECRET}`, nested: [{ header: `Bearer ${SECRET}` }] },
    })
    expect(redactError(e)).toBe(e)
    expect(e).toBeInstanceOf(AppError)
    expect(e.code).toBe('UPSTREAM')
    const all = JSON.stringify({ m: e.message, s: e.stack, d: e.details, err: e.error, c: cause.message, cs: cause.stack })
    expect(all).not.toContain(SECRET)
    expect(e.message).toBe(`401 Incorrect API key provided: Bearer ${REDACTED}`)
  })

  it('redacts JSON-like values deeply and leaves other objects and non-strings alone', () => {
    const cyclic: Record<string, unknown> = { k: SECRET }
    cyclic.self = cyclic
    expect(redactValue({ a: [SECRET, 1, null], b: { c: `x ${SECRET}` } })).toEqual({ a: [REDACTED, 1, null], b: { c: `x ${REDACTED}` } })
    expect(() => redactValue(cyclic)).not.toThrow()
    const d = new Date(0)
    expect(redactValue({ d }).d).toBe(d)
  })
})
