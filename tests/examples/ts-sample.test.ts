import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const BIN = join(REPO, 'node_modules/.bin')

/** The reference workflows rely on these properties of examples/ts-sample; they are checked on a copy. */
describe('examples/ts-sample', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-sample-'))
    // leftovers of running it in place (vitest's cache, coverage) are not part of the sample
    cpSync(join(REPO, 'examples/ts-sample'), dir, { recursive: true, filter: (src) => !/[/\\](node_modules|coverage)$/.test(src) })
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('has exactly one type error, TS2322 in src/format.ts', async () => {
    const err = await run(join(BIN, 'tsc'), ['-p', '.', '--noEmit'], { cwd: dir }).then(() => undefined, (e: { code: number; stdout: string }) => e)
    expect(err?.code).toBe(2)
    expect(err?.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^src\/format\.ts\(6,19\): error TS2322:/)])
  })

  it('passes its tests with coverage well below 100 %', async () => {
    await run(join(BIN, 'vitest'), ['run', '--coverage'], { cwd: dir })
    const summary = JSON.parse(readFileSync(join(dir, 'coverage/coverage-summary.json'), 'utf8')) as { total: { lines: { pct: number } } }
    expect(summary.total.lines.pct).toBeGreaterThan(10)
    expect(summary.total.lines.pct).toBeLessThan(50)
  }, 120_000)

  it('codemod turns var into const or let and the file still type-checks', async () => {
    const file = join(dir, 'src/legacy-totals.ts')
    const dry = await run(process.execPath, [join(dir, 'codemods/var-to-let-const.mjs'), file, '--dry-run'])
    expect(dry.stdout).toContain('"changed":6')
    expect(readFileSync(file, 'utf8')).toContain('var out')
    await run(process.execPath, [join(dir, 'codemods/var-to-let-const.mjs'), join(dir, 'src')])
    const text = readFileSync(file, 'utf8')
    expect(text).not.toMatch(/\bvar\s+\w/)
    expect(text).toContain('const out: Record<string, number> = {}')
    expect(text).toContain('for (let i = 0;')
    expect(text).toContain('let n = 0')
    expect(text).toContain('for (const l of lines)')
    // only the deliberate error remains
    const err = await run(join(BIN, 'tsc'), ['-p', '.', '--noEmit'], { cwd: dir }).then(() => undefined, (e: { stdout: string }) => e)
    expect(err?.stdout.trim().split('\n')).toHaveLength(1)
  })
})
