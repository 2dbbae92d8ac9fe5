import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatFinding } from '../../../graphs/workflow/finding.js'
import { validateWorkflowText } from '../../../graphs/workflow/validate.js'
import { loadWorkflowsDir } from '../../../graphs/workflow/workflow-registry.js'
import { runWorkflowTest } from '../../../graphs/workflow/workflow-test-runner.js'

const README = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8')
const section = README.slice(README.indexOf('## YAML workflows'), README.indexOf('## Server'))
/** The section's ```yaml blocks, dedented (the test-file example sits inside a list item). */
const blocks = [...section.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
  body!.split('\n').map((l) => l.slice(indent!.length)).join('\n'))
const workflows = blocks.filter((b) => b.startsWith('name:'))
const nameOf = (b: string) => /^name: ([\w-]+)/.exec(b)![1]!

/** The README's language reference stays true: every example validates, compiles and its test passes. */
describe('README: YAML workflows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-readme-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('has one example per step type', () => {
    const types = new Set(workflows.flatMap((b) => [...b.matchAll(/^ {4}type: (\w+)$/gm)].map((m) => m[1])))
    expect([...types].sort()).toEqual(['agent', 'assert', 'human', 'shell', 'template', 'webhook', 'workflow'])
  })

  it.each(workflows.map((b) => [nameOf(b), b]))('%s validates without errors', (name, text) => {
    const errors = validateWorkflowText(text, `${name}.yaml`).filter((f) => f.severity === 'error')
    expect(errors.map(formatFinding)).toEqual([])
  })

  it('compiles every example (workflow steps find their files) and runs the test-file example', async () => {
    for (const b of workflows) writeFileSync(join(dir, `${nameOf(b)}.yaml`), b)
    const { definitions, failures } = await loadWorkflowsDir(dir)
    expect(failures.flatMap((f) => f.findings.map(formatFinding))).toEqual([])
    expect(definitions.map((d) => d.name).sort()).toEqual(workflows.map(nameOf).sort())
    const test = blocks.find((b) => b.startsWith('workflow:'))!
    writeFileSync(join(dir, 'typecheck.test.yaml'), test)
    const r = await runWorkflowTest(join(dir, 'typecheck.test.yaml'))
    expect(r.cases.map((c) => [c.name, c.passed, c.diffs])).toEqual([['a clean tree', true, []]])
  })
})
