import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../server/logger.js'
import { registerSecret } from '../../store/secret-redaction.js'
import { until } from './server-harness.js'

const SECRET = 'log-secret-value-77ac01'

describe('the server log redacts credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-log-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('censors header and key fields, error messages, stacks and causes, other string fields and the message', async () => {
    registerSecret(SECRET)
    const file = join(dir, 'log.ndjson')
    const log = createLogger({ level: 'trace', destination: file })
    const err = new Error(`401 Incorrect API key provided: ${SECRET}`, { cause: new Error(`Bearer ${SECRET}`) })
    log.info({ headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, host: 'h' } }, 'request')
    log.error({ err, run_id: 'r1' }, 'internal error')
    log.warn({ reason: `upstream echoed ${SECRET}` }, `cron firing skipped: ${SECRET}`)
    log.info({ req: { headers: { authorization: 'Bearer zzzzzzzz' } }, apiKey: SECRET, OPENAI_API_KEY: SECRET }, 'config')
    log.flush()
    // the destination writes asynchronously: wait for the four lines
    const text = await until(async () => {
      const t = existsSync(file) ? readFileSync(file, 'utf8') : ''
      return t.split('\n').length > 4 ? t : undefined
    }, 'four log lines')
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(4)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('zzzzzzzz')
    expect(lines[0]).toMatchObject({ headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', host: 'h' } })
    expect(lines[1]).toMatchObject({ run_id: 'r1', err: { message: '401 Incorrect API key provided: [REDACTED]: Bearer [REDACTED]' } })
    expect(String((lines[1]!.err as { stack: string }).stack)).toContain('401 Incorrect API key provided: [REDACTED]')
    expect(lines[2]).toMatchObject({ reason: 'upstream echoed [REDACTED]', msg: 'cron firing skipped: [REDACTED]' })
  })
})
