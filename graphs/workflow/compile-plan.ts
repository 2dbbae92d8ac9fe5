import { AppError } from '../../store/app-error.js'
import type { Finding } from './finding.js'
import { needsOf, type StepSpec, type WorkflowSpec } from './spec-schema.js'
import { OUTPUTS_NODE } from './workflow-state.js'
import type { YamlSource } from './yaml-source.js'

/**
 * The wiring of a workflow's graph. A step's effective needs are its `needs` plus every step whose
 * `on_error`/`on_timeout` names it (its *sources*): an error handler runs after its sources, for
 * real when one of them routed to it, else it is recorded skipped (`not_routed`). So every node runs
 * exactly once per run and LangGraph's joins (`addEdge([a, b], c)`) always complete.
 */
export interface WorkflowPlan {
  readonly steps: ReadonlyMap<string, StepSpec>
  /** Effective needs by step id, in declaration order. */
  readonly needs: ReadonlyMap<string, readonly string[]>
  /** For each error handler: the steps whose `on_error` or `on_timeout` name it. */
  readonly sources: ReadonlyMap<string, readonly string[]>
  /** Steps with no effective needs: wired from START. */
  readonly starts: readonly string[]
  /** Steps no one needs: joined into `__outputs__`. */
  readonly sinks: readonly string[]
}

/** A compile error: `VALIDATION` with `details.findings` (rule `compile`) placed in the file when a source is known. */
export function compileError(file: string, items: { message: string; path: (string | number)[] }[], source?: YamlSource): AppError {
  const findings: Finding[] = items.map(({ message, path }) => {
    const at = source?.locate(path) ?? { line: 1, col: 1 }
    return { rule: 'compile', severity: 'error', message, file, line: at.line, col: at.col, path: path.join('.') }
  })
  return new AppError('VALIDATION', `${file}: ${items.map((i) => i.message).join('; ')}`, { details: { file, findings } })
}

/** Builds and checks the plan: known references, no reserved ids, no cycles (loops are in-node, so every cycle is an error). */
export function planWorkflow(spec: WorkflowSpec, file: string, source?: YamlSource): WorkflowPlan {
  const problems: { message: string; path: (string | number)[] }[] = []
  const steps = new Map(spec.steps.map((s) => [s.id, s]))
  const sources = new Map<string, string[]>()
  spec.steps.forEach((s, i) => {
    if (s.id === OUTPUTS_NODE) problems.push({ message: `step id ${OUTPUTS_NODE} is reserved`, path: ['steps', i, 'id'] })
    for (const n of needsOf(s)) {
      if (!steps.has(n)) problems.push({ message: `step ${s.id} needs unknown step '${n}'`, path: ['steps', i, 'needs'] })
    }
    for (const key of ['on_error', 'on_timeout'] as const) {
      const target = s[key]
      if (target === undefined) continue
      if (!steps.has(target)) problems.push({ message: `${key} of ${s.id} names unknown step '${target}'`, path: ['steps', i, key] })
      else if (target === s.id) problems.push({ message: `${key} of ${s.id} names the step itself`, path: ['steps', i, key] })
      else if (!(sources.get(target) ?? []).includes(s.id)) sources.set(target, [...(sources.get(target) ?? []), s.id])
    }
    if (s.next !== undefined) problems.push({ message: `next is not supported by the compiler: use needs and if`, path: ['steps', i, 'next'] })
  })
  if (problems.length) throw compileError(file, problems, source)
  const needs = new Map(spec.steps.map((s) => [s.id, [...new Set([...needsOf(s), ...(sources.get(s.id) ?? [])])]]))
  const cycle = findCycle(needs)
  if (cycle) {
    const i = spec.steps.findIndex((s) => s.id === cycle[0])
    throw compileError(file, [{ message: `steps form a cycle: ${cycle.join(' → ')} (use loop for bounded repetition; on_error must route forward)`, path: ['steps', i] }], source)
  }
  const needed = new Set([...needs.values()].flat())
  return {
    steps, needs, sources,
    starts: spec.steps.filter((s) => needs.get(s.id)?.length === 0).map((s) => s.id),
    sinks: spec.steps.filter((s) => !needed.has(s.id)).map((s) => s.id),
  }
}

/** A cycle of the needs graph as a path that returns to its first id, or undefined. */
function findCycle(needs: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined
    if (state.get(id) === 'open') return [...stack.slice(stack.indexOf(id)), id]
    state.set(id, 'open')
    stack.push(id)
    for (const n of needs.get(id) ?? []) {
      const c = visit(n)
      if (c) return c
    }
    stack.pop()
    state.set(id, 'done')
    return undefined
  }
  for (const id of needs.keys()) {
    const c = visit(id)
    if (c) return c.reverse()
  }
  return undefined
}
