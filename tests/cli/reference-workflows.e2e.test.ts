import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, MemorySaver } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OfflineChatModel } from '../../agents/offline-model.js'
import type { DocSearch } from '../../agents/retriever-tool.js'
import { compileWorkflow } from '../../graphs/workflow/compile-workflow.js'
import type { WorkflowStateT } from '../../graphs/workflow/workflow-state.js'
import { loadWorkflowFile } from '../../graphs/workflow/yaml-source.js'
import { ROOT, runCli } from './cli-harness.js'

const NAMES = ['code-migration', 'fix-type-errors', 'greenfield-sdlc', 'increase-test-coverage', 'team']
const FILES = NAMES.map((n) => join(ROOT, 'workflows', `${n}.yaml`))
const SAMPLE = join(ROOT, 'examples/ts-sample')
const DOCS: DocSearch = { search: async () => [{ id: 1, docId: 1, title: 'Runs', chunk: 'A run resumes from its last checkpoint.', score: 1, source: 'docs/runs.md' }] }

/**
 * Compiles a reference workflow directly (the CLI's run path for YAML is tested elsewhere) over a
 * temp workspace whose node_modules links to the repository's, and runs it offline, approving gates.
 */
async function runOffline(name: string, workspace: string, inputs: Record<string, unknown>) {
  const file = join(ROOT, 'workflows', `${name}.yaml`)
  const r = await loadWorkflowFile(file)
  if (!r.ok) throw new Error(r.findings.map((f) => f.message).join('; '))
  const g = compileWorkflow(r.spec, { file, source: r.source, workspace, deps: { checkpointer: new MemorySaver(), model: new OfflineChatModel(), modelLabel: 'offline', docs: DOCS } })
  const cfg = { configurable: { thread_id: name } }
  let input: unknown = { inputs }
  const gates: string[] = []
  for (let i = 0; i < 20; i++) {
    await g.invoke(input as never, cfg)
    const asking = (await g.getState(cfg)).tasks.flatMap((t) => t.interrupts.map((x) => (x.value as { step: string }).step))
    if (asking.length === 0) break
    gates.push(...asking)
    input = new Command({ resume: { action: 'approve' } })
  }
  return { out: (await g.getState(cfg)).values as WorkflowStateT, gates }
}

describe('reference workflows', () => {
  it('validate clean through switchyard validate', async () => {
    const r = await runCli(['validate', ...FILES])
    expect(r.stdout).toBe('5 files: 0 errors, 0 warnings, 0 info\n')
    expect(r.code).toBe(0)
  })

  it('pass their workflow tests through switchyard test', async () => {
    const r = await runCli(['test', join(ROOT, 'workflows')])
    expect(r.stdout).toMatch(/\n20 cases: 20 passed, 0 failed \(5 files\)\n$/)
    expect(r.stdout).not.toContain('✗')
    expect(r.code).toBe(0)
    for (const n of NAMES) expect(existsSync(join(ROOT, 'workflows', `${n}.test.yaml`))).toBe(true)
  })

  describe('run offline end to end on a copy of examples/ts-sample', () => {
    let ws: string
    beforeEach(() => {
      ws = mkdtempSync(join(tmpdir(), 'sy-ref-'))
      symlinkSync(join(ROOT, 'node_modules'), join(ws, 'node_modules'))
    })
    afterEach(() => rmSync(ws, { recursive: true, force: true }))
    const workdir = (out: WorkflowStateT) => join(ws, String(out.outputs.workdir))

    it('increase-test-coverage: writes tests and coverage goes up', async () => {
      const { out } = await runOffline('increase-test-coverage', ws, { project: SAMPLE })
      expect(out.error).toBeNull()
      expect(out.status).toBe('succeeded')
      expect(out.outputs.after as number).toBeGreaterThan(out.outputs.before as number)
      expect(readdirSync(join(workdir(out), 'tests')).sort()).toEqual(['cart.test.ts', 'generated-discount.test.ts', 'generated-format.test.ts'])
      expect(readFileSync(join(SAMPLE, 'src/format.ts'), 'utf8')).toContain('return whole')
    }, 120_000)

    it('fix-type-errors: approved at the gate, the loop fixes the one error', async () => {
      const { out, gates } = await runOffline('fix-type-errors', ws, { project: SAMPLE })
      expect(gates).toEqual(['review'])
      expect(out.status).toBe('succeeded')
      expect(out.outputs).toMatchObject({ before: 1, after: 0, iterations: 1, decision: 'approve' })
      expect(readFileSync(join(workdir(out), 'src/format.ts'), 'utf8')).toContain('return String(whole)')
    }, 120_000)

    it('code-migration: 6 declarations, only the pre-existing type error, tests pass', async () => {
      const { out } = await runOffline('code-migration', ws, { project: SAMPLE })
      expect(out.status).toBe('succeeded')
      expect(out.outputs).toMatchObject({ changed: 6, type_errors_before: 1, type_errors_after: 1 })
      expect(out.visited.at(-1)).toBe('tests')
      expect(readFileSync(join(workdir(out), 'src/legacy-totals.ts'), 'utf8')).not.toMatch(/\bvar\s/)
    }, 120_000)

    it('greenfield-sdlc: five phases, five gates', async () => {
      const { out, gates } = await runOffline('greenfield-sdlc', ws, { task: 'a todo app' })
      expect(gates).toEqual(['analysis_gate', 'design_gate', 'build_gate', 'test_gate', 'deploy_gate'])
      expect(out.status).toBe('succeeded')
      expect(out.outputs.deployment).toBe('[offline model] deployment: a todo app')
    })

    it('team: the researcher cites the documents and the report is written', async () => {
      const { out } = await runOffline('team', ws, { task: 'How does a run resume?' })
      expect(out.status).toBe('succeeded')
      expect(out.outputs.citations).toEqual(['[1] Runs'])
      expect(readFileSync(join(ws, 'team-report.md'), 'utf8')).toContain('"A run resumes from its last checkpoint." [1]')
    })

    it('an injection through the project input never reaches a shell', async () => {
      const { out } = await runOffline('increase-test-coverage', ws, { project: '"; touch PWNED; echo "' })
      expect(out.status).toBe('failed')
      expect(out.steps.copy).toMatchObject({ status: 'failed', error: { details: { exit_code: 1 } } })
      expect(out.steps.coverage_before?.skip_reason).toBe('upstream')
      expect(readdirSync(ws).filter((n) => n.includes('PWNED'))).toEqual([])
      expect(existsSync(join(ROOT, 'PWNED'))).toBe(false)
    })
  })
})
