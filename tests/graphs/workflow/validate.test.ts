import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../../graphs/workflow/finding.js'
import { hasErrors, validateWorkflowFile, VALIDATION_RULES } from '../../../graphs/workflow/validate.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')
type Row = [rule: string, severity: string, line: number, col: number, path: string]
const rows = (fs: readonly Finding[]): Row[] => fs.map((f) => [f.rule, f.severity, f.line, f.col, f.path])

/** The corpus: one bad workflow per rule, each with exactly the findings it must produce. */
const CORPUS: Record<string, Row[]> = {
  'schema.yaml': [
    ['schema', 'error', 4, 11, 'steps.0.type'],
    ['schema', 'error', 9, 14, 'steps.1.timeout'],
  ],
  'unknown-need.yaml': [['unknown-need', 'error', 9, 20, 'steps.1.needs.1']],
  'unknown-step-ref.yaml': [
    ['unknown-step-ref', 'error', 5, 15, 'steps.0.on_error'],
    ['unknown-step-ref', 'error', 11, 9, 'steps.1.if'],
    ['unknown-step-ref', 'error', 13, 23, 'steps.1.with.run.1'],
  ],
  'cycle.yaml': [['cycle', 'error', 5, 12, 'steps.0.needs']],
  'unreachable.yaml': [
    ['cycle', 'error', 5, 12, 'steps.0.needs'],
    ['unreachable', 'warning', 15, 12, 'steps.2.needs'],
    ['unreachable', 'warning', 20, 9, 'steps.3.if'],
  ],
  'output-not-produced.yaml': [
    ['output-not-produced', 'error', 16, 9, 'steps.2.if'],
    ['output-not-produced', 'error', 18, 23, 'steps.2.with.run.1'],
    ['output-not-produced', 'error', 18, 62, 'steps.2.with.run.2'],
  ],
  'undefined-variable.yaml': [
    ['undefined-variable', 'error', 10, 32, 'steps.0.with.run.2'],
    ['undefined-variable', 'error', 14, 9, 'steps.1.if'],
    ['undefined-variable', 'error', 16, 36, 'steps.1.with.run.1'],
  ],
  'invalid-with.yaml': [
    ['invalid-with', 'error', 8, 12, 'steps.0.with.run'],
    ['invalid-with', 'error', 15, 23, 'steps.1.with.expect_status.0'],
    ['invalid-with', 'error', 16, 15, 'steps.1.with.method'],
  ],
  'invalid-expression.yaml': [['invalid-expression', 'error', 5, 30, 'steps.0.if']],
  'invalid-template.yaml': [['invalid-expression', 'error', 6, 20, 'steps.0.with.run.1']],
  'risky-shell.yaml': [
    ['risky-shell', 'error', 8, 13, 'steps.0.with.run'],
    ['risky-shell', 'error', 8, 29, 'steps.0.with.run'],
    ['risky-shell', 'error', 13, 13, 'steps.1.with.run'],
    ['risky-shell', 'error', 13, 63, 'steps.1.with.run'],
    ['risky-shell', 'error', 18, 20, 'steps.2.with.run'],
    ['risky-shell', 'error', 32, 13, 'steps.5.with.run.0'],
  ],
  'plaintext-secret.yaml': [
    ['plaintext-secret', 'error', 3, 39, 'inputs.api_token.default'],
    ['plaintext-secret', 'error', 6, 19, 'env.OPENAI_API_KEY'],
    ['plaintext-secret', 'error', 15, 24, 'steps.0.with.headers.Authorization'],
    ['plaintext-secret', 'error', 16, 18, 'steps.0.with.headers.X-Slack'],
  ],
  'unsupported.yaml': [['unsupported', 'error', 9, 5, 'steps.0.next']],
  'parallel-hint.yaml': [
    ['parallel-hint', 'info', 10, 12, 'steps.1.needs'],
    ['parallel-hint', 'info', 16, 13, 'steps.2.needs.0'],
  ],
}

describe('validateWorkflowFile on the corpus of bad workflows', () => {
  it('has one fixture per rule and no fixture without expectations', () => {
    expect(readdirSync(join(FIXTURES, 'invalid')).sort()).toStrictEqual(Object.keys(CORPUS).sort())
    const covered = new Set(Object.values(CORPUS).flat().map(([rule]) => rule))
    const semantic = Object.keys(VALIDATION_RULES).filter((r) => !['yaml', 'io'].includes(r))
    expect(semantic.filter((r) => !covered.has(r))).toStrictEqual([])
  })

  it.each(Object.entries(CORPUS))('%s gives exactly its findings', async (name, expected) => {
    const findings = await validateWorkflowFile(join(FIXTURES, 'invalid', name))
    expect(rows(findings)).toStrictEqual(expected)
    expect(findings.every((f) => f.file === join(FIXTURES, 'invalid', name) && f.message.length > 0)).toBe(true)
  })

  it('says what is wrong in words a reader can act on', async () => {
    const at = async (name: string) => (await validateWorkflowFile(join(FIXTURES, 'invalid', name))).map((f) => f.message)
    expect(await at('cycle.yaml')).toStrictEqual([
      'needs cycle: write needs review needs write; a step that repeats must do it with its own bounded loop (until, max_iterations)',
    ])
    expect(await at('output-not-produced.yaml')).toStrictEqual([
      "step 'build' has no output 'exitcode' (its outputs: exit_code, stdout, stderr, truncated, duration_ms, timed_out)",
      "step 'report' reads step 'analyse', which does not run before it: add 'analyse' to its needs",
      "step 'analyse' has no output 'score' (its outputs: exit_code, stdout, stderr, truncated, duration_ms, timed_out, summary)",
    ])
    expect(await at('invalid-expression.yaml')).toStrictEqual(["invalid expression: '=' is not an operator; compare with '==' (column 22)"])
    expect(await at('invalid-template.yaml')).toStrictEqual(['invalid template: output "{{ inputs.x " not closed'])
    expect((await at('risky-shell.yaml'))[4]).toMatch(/^'inputs\.file' is templated into a shell: true command string/)
  })
})

describe('validateWorkflowFile on good workflows', () => {
  it('finds nothing in the valid fixtures', async () => {
    const all = await Promise.all(readdirSync(join(FIXTURES, 'valid')).sort().map(async (n) => [n, await validateWorkflowFile(join(FIXTURES, 'valid', n))] as const))
    expect(all.map(([n]) => n)).toStrictEqual(['ci-pipeline.yaml', 'review-loop.yaml'])
    expect(all.some(([, fs]) => hasErrors(fs))).toBe(false)
    expect(all.flatMap(([, fs]) => rows(fs))).toStrictEqual([])
  })
})
