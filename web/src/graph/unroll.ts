import type { NodeState, NodeStates } from '../stores/node-states-store.js'
import type { GraphJson } from './graph-model.js'

/** One superstep of a thread's line: the nodes it ran (a checkpoint's `next`), and how they fared. */
export interface LineStep {
  next: readonly string[]
  /** Of `next`: those whose task failed at this checkpoint. */
  errors?: readonly string[]
  /** Of `next`: those waiting at an interrupt at this checkpoint. */
  interrupted?: readonly string[]
}

export interface Unrolled {
  /** One node per execution (`review#2`, labelled `review #2`), edges in execution order. */
  graph: GraphJson
  /** The executions' states: done before the last step; the last step's running / error / interrupted. */
  states: NodeStates
  /** Execution id → the graph node it is an execution of. */
  nodeOf: ReadonlyMap<string, string>
}

const START = '__start__'
const END = '__end__'

/**
 * A thread's line of supersteps as a graph of executions: each time a node ran is a node of its own, in
 * the order they ran; an execution's edges come from the executions of the step before that the graph
 * has an edge from (all of them when the graph has none: a `Send`, a `goto`), so parallel branches stay
 * side by side. `current` (optional) gives the live state of a node's latest execution (running with its
 * time, error with its stack); `ended` draws `__end__` after the last step.
 */
export function unrollLine(graph: GraphJson, steps: readonly LineStep[], opts: { ended?: boolean; current?: NodeStates } = {}): Unrolled {
  const byId = new Map(graph.nodes.map((n) => [String(n.id), n]))
  const edgeOf = new Map(graph.edges.map((e) => [`${e.source}->${e.target}`, e]))
  const nodes: GraphJson['nodes'] = []
  const edges: GraphJson['edges'] = []
  const states: NodeStates = {}
  const nodeOf = new Map<string, string>()
  const seen = new Map<string, number>()
  const node = (id: string, of: string, label: string) => {
    const orig = byId.get(of)
    const { branch_targets: _unknown, ...meta } = orig?.metadata ?? {}
    nodes.push({ id, type: orig?.type ?? 'runnable', data: orig?.data ?? of, metadata: { ...meta, __label: label } })
    nodeOf.set(id, of)
  }
  node(START, START, START)
  let prev: { id: string; of: string }[] = [{ id: START, of: START }]
  // the input checkpoint's `next` is `__start__` (the input being written), not a node that ran
  const ran = steps.map((s) => ({ ...s, next: s.next.filter((n) => n !== START) })).filter((s) => s.next.length > 0)
  ran.forEach((step, i) => {
    const last = i === ran.length - 1 && !opts.ended
    const here: { id: string; of: string }[] = []
    for (const of of step.next) {
      const n = (seen.get(of) ?? 0) + 1
      seen.set(of, n)
      const id = `${of}#${n}`
      node(id, of, `${of} #${n}`)
      here.push({ id, of })
      const status: NodeState['status'] = !last ? 'done' : step.errors?.includes(of) ? 'error' : step.interrupted?.includes(of) ? 'interrupted' : 'running'
      states[id] = { status }
      const from = prev.filter((p) => edgeOf.has(`${p.of}->${of}`))
      for (const p of from.length ? from : prev) {
        const e = edgeOf.get(`${p.of}->${of}`)
        edges.push({ source: p.id, target: id, ...(e?.conditional ? { conditional: true } : {}), ...(e?.data !== undefined ? { data: e.data } : {}) })
      }
    }
    prev = here
  })
  if (opts.ended && ran.length > 0) {
    node(END, END, END)
    for (const p of prev) edges.push({ source: p.id, target: END, ...(edgeOf.get(`${p.of}->${END}`)?.conditional ? { conditional: true } : {}) })
  }
  // the live state of each node's latest execution (its time, its error and stack)
  for (const [of, n] of seen) {
    const live = opts.current?.[of]
    const id = `${of}#${n}`
    if (!live || live.status === 'pending') continue
    const { count: _count, ...state } = live
    states[id] = state
  }
  return { graph: { nodes, edges }, states, nodeOf }
}
