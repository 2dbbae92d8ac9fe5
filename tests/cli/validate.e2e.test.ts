import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../graphs/workflow/finding.js'
import type { SarifLog } from '../../graphs/workflow/sarif.js'
import { runCli } from './cli-harness.js'

const FIXTURES = join(import.meta.dirname, '../graphs/workflow/fixtures')
const GOOD = 'name: ok\nsteps:\n  - { id: a, type: shell, with: { run: [ls] } }\n'
const HINT = `name: hint
steps:
  - { id: fetch, type: webhook, with: { url: "https://x.test", method: GET } }
  - { id: b, type: shell, needs: fetch, with: { run: [ls] } }
`
const BAD = 'name: bad\nsteps:\n  - { id: a, type: shell, needs: b, with: { run: [ls] } }\n'

describe('switchyard validate', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-validate-'))
    writeFileSync(join(dir, 'good.yaml'), GOOD)
    writeFileSync(join(dir, 'hint.yaml'), HINT)
    writeFileSync(join(dir, 'bad.yaml'), BAD)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints one line per finding and a summary, exit 1 on an error', async () => {
    const r = await runCli(['validate', join(dir, 'good.yaml'), join(dir, 'bad.yaml')])
    expect(r.stdout).toBe(`${join(dir, 'bad.yaml')}:3:34: error unknown-need: step 'a' needs 'b', which is not a step of this workflow (steps.0.needs)\n`
      + '2 files: 1 error, 0 warnings, 0 info\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
  })

  it('passes a clean file and one with only hints (exit 0)', async () => {
    const clean = await runCli(['validate', join(dir, 'good.yaml')])
    expect([clean.code, clean.stdout]).toStrictEqual([0, '1 file: 0 errors, 0 warnings, 0 info\n'])
    const hint = await runCli(['validate', join(dir, 'hint.yaml')])
    expect(hint.code).toBe(0)
    expect(hint.stdout).toMatch(/^.*hint\.yaml:4:34: info parallel-hint: step 'b' needs 'fetch'.*\n1 file: 0 errors, 0 warnings, 1 info\n$/)
  })

  it('validates the YAML files of a folder', async () => {
    const r = await runCli(['validate', dir, '--format', 'json'])
    const findings = JSON.parse(r.stdout) as Finding[]
    expect(findings.map((f) => [f.file, f.rule])).toStrictEqual([[join(dir, 'bad.yaml'), 'unknown-need'], [join(dir, 'hint.yaml'), 'parallel-hint']])
    expect(r.code).toBe(1)
  })

  it('writes the findings as a JSON array', async () => {
    const file = join(FIXTURES, 'invalid/risky-shell.yaml')
    const r = await runCli(['validate', '--format', 'json', file])
    const findings = JSON.parse(r.stdout) as Finding[]
    expect(findings).toHaveLength(6)
    expect(findings[0]).toStrictEqual({
      rule: 'risky-shell', severity: 'error', message: 'the command deletes / or the home folder recursively',
      file, line: 8, col: 13, path: 'steps.0.with.run',
    })
    expect(r.code).toBe(1)
  })

  it('writes a SARIF log', async () => {
    const r = await runCli(['validate', '--format', 'sarif', join(FIXTURES, 'invalid/parallel-hint.yaml')])
    const log = JSON.parse(r.stdout) as SarifLog
    expect(log.version).toBe('2.1.0')
    expect(log.runs[0]?.tool.driver.name).toBe('switchyard')
    expect(log.runs[0]?.results.map((x) => [x.ruleId, x.level, x.locations[0]?.physicalLocation.region])).toStrictEqual([
      ['parallel-hint', 'note', { startLine: 10, startColumn: 12 }],
      ['parallel-hint', 'note', { startLine: 16, startColumn: 13 }],
    ])
    expect(r.code).toBe(0)
  })

  it('reports a missing file as an io finding (exit 1) and still checks the others', async () => {
    const missing = join(dir, 'missing.yaml')
    const r = await runCli(['validate', missing, join(dir, 'good.yaml')])
    expect(r.stdout).toBe(`${missing}:1:1: error io: cannot read workflow: ENOENT\n2 files: 1 error, 0 warnings, 0 info\n`)
    expect(r.code).toBe(1)
  })

  it('refuses an unknown format with one line on stderr (exit 2)', async () => {
    const r = await runCli(['validate', '--format', 'xml', join(dir, 'good.yaml')])
    expect([r.code, r.stdout, r.stderr]).toStrictEqual([2, '', 'switchyard: --format must be text, json or sarif, got "xml"\n'])
  })
})
