import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, MemorySaver } from '@langchain/langgraph'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { AppError, toAppError } from '../../store/app-error.js'
import { openDb, type OpenedDb } from '../../store/db.js'
import { KyselySaver } from '../../store/kysely-saver.js'
import type { AnyGraph, GraphDeps } from '../registry.js'
import { parseWorkflowInputs } from './compile-scope.js'
import { compileWorkflow } from './compile-workflow.js'
import type { HumanPayload } from './step-node-human.js'
import { loadWorkflowTestFile, type LoadedWorkflowTest } from './workflow-test-load.js'
import { expectationDiffs, type CaseOutcome, type TestDiff } from './workflow-test-match.js'
import type { TestCase } from './workflow-test-schema.js'
import type { WorkflowStateT } from './workflow-state.js'

export interface RunWorkflowTestOptions {
  /** Model and documents of agent steps; default the offline model and no documents. */
  deps?: Partial<Pick<GraphDeps, 'model' | 'modelLabel' | 'docs'>>
  /** Folder the steps work in; default a fresh temp folder per case, removed after it. */
  workspace?: string
  /** `memory` (default): a MemorySaver; `sqlite`: our KyselySaver (and the step cache) on a temp SQLite file. */
  store?: 'memory' | 'sqlite'
  /** Runs only the cases whose name contains this text. */
  only?: string
}

export interface CaseResult {
  name: string
  passed: boolean
  diffs: TestDiff[]
  outcome: CaseOutcome
  duration_ms: number
}

export interface TestFileResult {
  file: string
  workflow: string
  passed: boolean
  cases: CaseResult[]
}

interface Pending { id: string | undefined; value: Partial<HumanPayload> }

/** Interrupts waiting for an answer, nested subgraphs (workflow steps) included. */
function pendingOf(state: { tasks: readonly { interrupts: readonly { id?: string; value?: unknown }[] }[] }): Pending[] {
  return state.tasks.flatMap((t) => t.interrupts.map((i) => ({ id: i.id, value: (i.value ?? {}) as Partial<HumanPayload> })))
}

async function runCase(graph: AnyGraph, loaded: LoadedWorkflowTest, c: TestCase, thread: string): Promise<{ outcome: CaseOutcome; diffs: TestDiff[] }> {
  const config = { configurable: { thread_id: thread } }
  const diffs: TestDiff[] = []
  let input: Record<string, unknown> | Command = { inputs: parseWorkflowInputs(loaded.workflow, c.inputs) }
  let used = 0
  let pending: Pending[] = []
  for (;;) {
    await graph.invoke(input, config)
    pending = pendingOf(await graph.getState(config, { subgraphs: true }))
    const refused = pending.find((p) => p.value.error !== undefined)
    if (refused && used > 0) {
      diffs.push({ path: `answers.${used - 1}`, message: `step ${refused.value.step} refused the answer: ${refused.value.error}` })
      break
    }
    if (pending.length === 0 || used >= c.answers.length) break
    const { step, ...answer } = c.answers[used] as TestCase['answers'][number]
    const target = step === undefined ? pending[0] : pending.find((p) => p.value.step === step)
    if (target === undefined) {
      const asking = pending.map((p) => p.value.step ?? '?').join(', ')
      diffs.push({ path: `answers.${used}`, message: `expected human step ${step} to ask, but ${asking} asked`, expected: step, actual: asking })
      break
    }
    used++
    input = new Command({ resume: pending.length > 1 && target.id ? { [target.id]: answer } : answer })
  }
  if (used < c.answers.length && diffs.length === 0) {
    diffs.push({ path: 'answers', message: `${c.answers.length - used} answer(s) not used (no human step asked)`, expected: c.answers.length, actual: used })
  }
  const v = (await graph.getState(config)).values as WorkflowStateT
  const outcome: CaseOutcome = {
    status: pending.length > 0 ? 'interrupted' : v.status === 'failed' ? 'failed' : 'succeeded',
    visited: v.visited ?? [], outputs: v.outputs ?? {}, error: v.error ?? null, steps: v.steps ?? {},
  }
  return { outcome, diffs }
}

/**
 * Runs the cases of a `*.test.yaml` file: each compiles the workflow with the case's `mocks`, runs
 * on a fresh thread (MemorySaver, or KyselySaver on a temp SQLite file) in a fresh workspace,
 * answers human interrupts with `answers` in order, then compares the end state with `expect`.
 * A case that throws (bad inputs, a crash) fails with the error as its difference.
 *
 * @throws AppError `VALIDATION` with `details.findings` (`file:line:col`) when the test file, or the
 *   workflow it names, is invalid: nothing ran.
 * @example
 * const r = await runWorkflowTest('workflows/team.test.yaml')
 * r.cases.filter((c) => !c.passed).map((c) => c.diffs)
 */
export async function runWorkflowTest(file: string, opts: RunWorkflowTestOptions = {}): Promise<TestFileResult> {
  const loaded = await loadWorkflowTestFile(file)
  if (!loaded.ok) throw new AppError('VALIDATION', `${file}: invalid workflow test`, { details: { file, findings: loaded.findings } })
  const cases: CaseResult[] = []
  for (const [i, c] of loaded.test.cases.entries()) {
    if (opts.only !== undefined && !c.name.includes(opts.only)) continue
    const started = Date.now()
    const temp = mkdtempSync(join(tmpdir(), 'sy-wftest-'))
    let store: OpenedDb | undefined
    try {
      store = opts.store === 'sqlite' ? await openDb(join(temp, 'test.db')) : undefined
      const checkpointer: BaseCheckpointSaver = store ? new KyselySaver(store.db) : new MemorySaver()
      const workspace = opts.workspace ?? mkdtempSync(join(temp, 'ws-'))
      const deps: GraphDeps = {
        checkpointer, model: opts.deps?.model ?? new OfflineChatModel(), modelLabel: opts.deps?.modelLabel ?? 'offline',
        docs: opts.deps?.docs ?? { search: async () => [] },
      }
      const graph = compileWorkflow(loaded.workflow, {
        file: loaded.workflowFile, source: loaded.workflowSource, deps, workspace, mocks: c.mocks, ...(store ? { db: store.db } : {}),
      })
      let run: Awaited<ReturnType<typeof runCase>>
      try {
        run = await runCase(graph, loaded, c, `test-${i}`)
      } catch (e) {
        const err = toAppError(e)
        const outcome: CaseOutcome = { status: 'failed', visited: [], outputs: {}, error: { code: err.code, message: err.message }, steps: {} }
        run = { outcome, diffs: [{ path: 'run', message: `the run threw ${err.code}: ${err.message}` }] }
      }
      const diffs = [...run.diffs, ...expectationDiffs(c.expect, run.outcome)]
      cases.push({ name: c.name, passed: diffs.length === 0, diffs, outcome: run.outcome, duration_ms: Date.now() - started })
    } finally {
      await store?.close()
      rmSync(temp, { recursive: true, force: true })
    }
  }
  return { file, workflow: loaded.workflow.name, passed: cases.every((c) => c.passed), cases }
}
