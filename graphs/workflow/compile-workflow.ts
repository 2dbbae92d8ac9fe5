import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { END, START, StateGraph } from '@langchain/langgraph'
import type { Kysely } from 'kysely'
import { isExecutorStepType } from '../../agents/steps/registry.js'
import { AppError } from '../../store/app-error.js'
import type { DB } from '../../store/schema.js'
import { createStepCacheRepo } from '../../store/step-cache-repo.js'
import type { AnyGraph, GraphDeps } from '../registry.js'
import { compileError, planWorkflow } from './compile-plan.js'
import { outputsNode } from './compile-outputs.js'
import type { StepSpec, WorkflowSpec } from './spec-schema.js'
import { agentKind } from './step-node-agent.js'
import { executorKind } from './step-node-executor.js'
import { humanKind } from './step-node-human.js'
import { checkMocks, type StepMock } from './step-node-mock.js'
import { childWorkflowPath, workflowKind } from './step-node-workflow.js'
import { traceStepNode } from './step-node-trace.js'
import { stepNode, type NodeEnv, type StepKind } from './step-node.js'
import { OUTPUTS_NODE, WorkflowState, type WorkflowStateT } from './workflow-state.js'
import { formatFinding, loadWorkflowText, type YamlSource } from './yaml-source.js'

export interface CompileOptions {
  /** The workflow's file: names it in errors, anchors `workspace` and workflow-step paths. */
  file: string
  deps: GraphDeps
  /** Enables the step cache (`cache:` on steps); without it such steps simply run. */
  db?: Kysely<DB>
  /** Absolute folder the steps work in; default: the spec's `workspace` (else `.`) relative to the file. */
  workspace?: string
  /** Places compile errors at `file:line:col`. */
  source?: YamlSource
  /** Loads another workflow file (workflow steps); default: read and parse it synchronously. */
  loadWorkflow?: (file: string) => WorkflowSpec
  /** Clock of the step cache's ttl (epoch ms). */
  now?: () => number
  /** Files of the workflows that call this one (cycle detection), outermost first. */
  callers?: readonly string[]
  /** Compile without a checkpointer: the graph runs inside a workflow step of another workflow. */
  subgraph?: boolean
  /**
   * Steps to mock, by id (workflow tests): a mocked step passes its gates as usual (`needs`, `if`,
   * routing), then records `succeeded` with the given outputs, or `failed` with a mocked
   * `{ error: { code, message } }`, without running its executor, retries, cache or interrupt
   * (see `mockRecord`). A mocked workflow step does not load its child. Not passed to child workflows.
   */
  mocks?: Readonly<Record<string, StepMock>>
}

/** Reads and parses a workflow file, throwing its findings as a `VALIDATION` error. */
export function loadWorkflowSync(file: string): WorkflowSpec {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    throw new AppError('VALIDATION', `cannot read workflow ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause, details: { file } })
  }
  const r = loadWorkflowText(text, file)
  if (!r.ok) throw new AppError('VALIDATION', `invalid workflow ${file}: ${r.findings.map(formatFinding).join('; ')}`, { details: { file, findings: r.findings } })
  return r.spec
}

/** Stands in for a mocked workflow step's child, which is never loaded: the node records the mock instead. */
const MOCKED_CHILD: StepKind = {
  prepare: () => ({}),
  run: () => Promise.reject(new AppError('INTERNAL', 'a mocked step ran its executor')),
}

function kindOf(step: StepSpec, i: number, o: CompileOptions, workspace: string): StepKind {
  const fail = (message: string, key: string) => compileError(o.file, [{ message, path: ['steps', i, key] }], o.source)
  if (step.cache !== undefined && step.type === 'human') throw fail('a human step cannot be cached', 'cache')
  if (isExecutorStepType(step.type)) return executorKind(step, step.type, workspace)
  if (step.type === 'agent') return agentKind(step, o.deps)
  if (step.type === 'human') return humanKind(step)
  if (o.mocks && Object.hasOwn(o.mocks, step.id)) return MOCKED_CHILD
  const file = childWorkflowPath(o.file, step)
  const chain = [...(o.callers ?? []), resolve(o.file)]
  if (chain.includes(file)) throw fail(`workflow files call each other in a cycle: ${[...chain, file].join(' → ')}`, 'with')
  const spec = (o.loadWorkflow ?? loadWorkflowSync)(file)
  const graph = compileWorkflow(spec, { ...o, file, source: undefined, workspace: spec.workspace === undefined ? workspace : undefined, callers: chain, subgraph: true, mocks: undefined })
  return workflowKind(step, { spec, graph, file })
}

const nodeMetadata = (step: StepSpec) =>
  ({ kind: step.type === 'agent' || step.type === 'human' ? step.type : 'step', step_type: step.type })

/**
 * Compiles a workflow spec into a LangGraph graph over {@link WorkflowState}, one node per step
 * (named by its id) plus `__outputs__`. Needs become edges (several needs: a join,
 * `addEdge([a, b], c)`); steps without needs start from START; steps no one needs join into
 * `__outputs__`, which computes the workflow's outputs and status, then END. Routing, skips,
 * retries, loops and `for_each` happen inside the nodes (see `stepNode`), so every node runs
 * exactly once per run and joins always complete. Invoke with `{ inputs }`.
 *
 * @throws AppError `VALIDATION` (`details.findings`) for unknown references, cycles, a bad workflow step.
 * @example
 * const graph = compileWorkflow(spec, { file: 'workflows/build.yaml', deps, db })
 * await graph.invoke({ inputs: { target: 'web' } }, { configurable: { thread_id: 't1' } })
 */
export function compileWorkflow(spec: WorkflowSpec, o: CompileOptions): AnyGraph {
  const plan = planWorkflow(spec, o.file, o.source)
  if (o.mocks) checkMocks(new Set(plan.steps.keys()), o.mocks, o.file)
  const workspace = o.workspace ?? resolve(dirname(resolve(o.file)), spec.workspace ?? '.')
  const env: NodeEnv = { spec, plan, now: o.now ?? Date.now, ...(o.mocks ? { mocks: o.mocks } : {}), ...(o.db ? { cache: createStepCacheRepo(o.db) } : {}) }
  // the builder's node-name type grows with each addNode; steps come from data, so use the wide type
  let g = new StateGraph(WorkflowState) as unknown as StateGraph<typeof WorkflowState.spec, WorkflowStateT, Partial<WorkflowStateT>, string>
  // the drawing's node kinds (GET /assistants/{id}/graph): agent and human steps by name, the rest by step type
  spec.steps.forEach((step, i) => { g = g.addNode(step.id, traceStepNode(step, stepNode(step, kindOf(step, i, o, workspace), env)), { metadata: nodeMetadata(step) }) })
  g = g.addNode(OUTPUTS_NODE, outputsNode(spec, plan), { metadata: { kind: 'outputs' } })
  for (const id of plan.starts) g = g.addEdge(START, id)
  for (const [id, needs] of plan.needs) {
    if (needs.length === 1) g = g.addEdge(needs[0] as string, id)
    else if (needs.length > 1) g = g.addEdge([...needs], id)
  }
  g = plan.sinks.length === 1 ? g.addEdge(plan.sinks[0] as string, OUTPUTS_NODE) : g.addEdge([...plan.sinks], OUTPUTS_NODE)
  g = g.addEdge(OUTPUTS_NODE, END)
  const compiled = g.compile({ name: spec.name, ...(o.subgraph ? {} : { checkpointer: o.deps.checkpointer }) })
  // a chain of n steps takes n + 2 supersteps; LangGraph's default limit is 25
  return compiled.withConfig({ recursionLimit: Math.max(25, spec.steps.length + 10) }) as unknown as AnyGraph
}
