import { readFile, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { dotted, LOAD_RULES, type Finding } from './finding.js'
import type { WorkflowSpec } from './spec-schema.js'
import { MockFailure } from './step-node-mock.js'
import { WorkflowTestSpec } from './workflow-test-schema.js'
import { loadWorkflowFile, MAX_WORKFLOW_BYTES, parseYamlSource, type YamlPath, type YamlSource } from './yaml-source.js'
import { zodFindings } from './zod-findings.js'

/** Rule id of the findings about a test file's references (unknown steps, a workflow that does not load). */
export const TEST_RULE = 'workflow-test'

/** A loaded test file with the workflow it tests. */
export interface LoadedWorkflowTest {
  file: string
  test: WorkflowTestSpec
  source: YamlSource
  workflowFile: string
  workflow: WorkflowSpec
  workflowSource: YamlSource
}

export type TestLoadResult = ({ ok: true } & LoadedWorkflowTest) | { ok: false; findings: Finding[] }

const at = (source: YamlSource, path: YamlPath, message: string, key = false): Finding => {
  const p = source.locate(path, { key })
  return { rule: TEST_RULE, severity: 'error', message, file: source.file, line: p.line, col: p.col, path: dotted(path) }
}

/** Step ids a test names that the workflow does not have, or answers aimed at steps that are not human. */
function referenceFindings(t: WorkflowTestSpec, wf: WorkflowSpec, source: YamlSource): Finding[] {
  const types = new Map(wf.steps.map((s) => [s.id, s.type]))
  const out: Finding[] = []
  const known = (id: string, path: YamlPath, key = false) => {
    if (!types.has(id)) out.push(at(source, path, `unknown step '${id}' (workflow ${wf.name} has ${[...types.keys()].join(', ')})`, key))
  }
  t.cases.forEach((c, i) => {
    for (const [id, mock] of Object.entries(c.mocks)) {
      known(id, ['cases', i, 'mocks', id], true)
      if ('error' in mock && !MockFailure.safeParse(mock).success) {
        out.push(at(source, ['cases', i, 'mocks', id, 'error'], 'a mocked failure is { error: { code, message } } (optional: outputs, timed_out)'))
      }
    }
    // a human step inside a workflow step asks under the child's step id, which this workflow does not know
    const nested = wf.steps.some((s) => s.type === 'workflow')
    c.answers.forEach((a, j) => {
      if (a.step === undefined || (nested && !types.has(a.step))) return
      if (!types.has(a.step)) known(a.step, ['cases', i, 'answers', j, 'step'])
      else if (types.get(a.step) !== 'human') {
        out.push(at(source, ['cases', i, 'answers', j, 'step'], `step '${a.step}' is a ${types.get(a.step)} step, not a human step`))
      }
    })
    const e = c.expect
    for (const key of ['visited', 'visited_includes', 'not_visited'] as const) {
      (e[key] ?? []).forEach((id, j) => known(id, ['cases', i, 'expect', key, j]))
    }
    for (const id of Object.keys(e.steps ?? {})) known(id, ['cases', i, 'expect', 'steps', id], true)
  })
  return out
}

/**
 * Reads a `*.test.yaml` file and the workflow it names. Never throws for a bad file: YAML and
 * schema problems, a workflow that does not load (its own findings follow), and steps the test
 * names that the workflow lacks come back as findings with `file:line:col`.
 */
export async function loadWorkflowTestFile(path: string): Promise<TestLoadResult> {
  const file = resolve(path)
  let text: string
  try {
    if ((await stat(file)).size > MAX_WORKFLOW_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' })
    text = await readFile(file, 'utf8')
  } catch (e) {
    const message = `cannot read test file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    return { ok: false, findings: [{ rule: LOAD_RULES.io, severity: 'error', message, file: path, line: 1, col: 1, path: '' }] }
  }
  const source = parseYamlSource(text, path)
  if (source.findings.some((f) => f.severity === 'error')) return { ok: false, findings: [...source.findings] }
  const parsed = WorkflowTestSpec.safeParse(source.value ?? {})
  if (!parsed.success) return { ok: false, findings: zodFindings(parsed.error.issues, source) }
  const test = parsed.data
  const workflowFile = resolve(dirname(file), test.workflow)
  const wf = await loadWorkflowFile(workflowFile)
  if (!wf.ok) {
    return { ok: false, findings: [at(source, ['workflow'], `workflow ${test.workflow} does not load (${wf.findings.length} finding(s))`), ...wf.findings] }
  }
  const refs = referenceFindings(test, wf.spec, source)
  if (refs.length) return { ok: false, findings: refs }
  return { ok: true, file: path, test, source, workflowFile, workflow: wf.spec, workflowSource: wf.source }
}
