import { formatFinding, type Finding } from './finding.js'
import type { TestFileResult } from './workflow-test-runner.js'

/** What one `switchyard test` run found: results of the files that loaded, findings of those that did not. */
export interface TestReport {
  results: TestFileResult[]
  invalid: { file: string; findings: Finding[] }[]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The counts behind the summary line and the exit code. */
export function reportCounts(r: TestReport): { files: number; cases: number; passed: number; failed: number; invalid: number } {
  const cases = r.results.flatMap((f) => f.cases)
  const passed = cases.filter((c) => c.passed).length
  return { files: r.results.length + r.invalid.length, cases: cases.length, passed, failed: cases.length - passed, invalid: r.invalid.length }
}

/**
 * The text report: per file a header, one line per case (`✓`/`✗`, name, duration), the differences
 * of a failed case indented under it, the findings of an invalid file, then a summary line.
 * @example
 * // workflows/team.test.yaml (team)
 * //   ✓ routes to research and generator (85 ms)
 * //   ✗ skips research
 * //       status: expected succeeded, got failed (step report failed: …)
 * // 2 cases: 1 passed, 1 failed (1 file)
 */
export function formatTestReport(r: TestReport): string {
  const lines: string[] = []
  for (const f of r.results) {
    lines.push(`${f.file} (${f.workflow})`)
    for (const c of f.cases) {
      lines.push(`  ${c.passed ? '✓' : '✗'} ${c.name} (${c.duration_ms} ms)`)
      for (const d of c.diffs) lines.push(`      ${d.path}: ${d.message}`)
    }
  }
  for (const bad of r.invalid) {
    lines.push(`${bad.file}: invalid test file`)
    for (const f of bad.findings) lines.push(`  ${formatFinding(f)}`)
  }
  const n = reportCounts(r)
  const invalid = n.invalid ? `, ${plural(n.invalid, 'invalid file')}` : ''
  lines.push(`${plural(n.cases, 'case')}: ${n.passed} passed, ${n.failed} failed${invalid} (${plural(n.files, 'file')})`)
  return `${lines.join('\n')}\n`
}
