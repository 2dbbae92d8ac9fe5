/** A node's role in the drawing; from the node's `metadata.kind` when the server gives one. */
export type NodeKind = 'start' | 'end' | 'agent' | 'tool' | 'human' | 'router' | 'step' | 'outputs' | 'subgraph' | 'unknown' | 'node'

/** The JSON of `GET /assistants/{id}/graph` (LangGraph's `drawable.toJSON()`). */
export interface GraphJson {
  nodes: { id: string | number; type?: string; data?: unknown; metadata?: Record<string, unknown> | null }[]
  edges: { source: string; target: string; data?: unknown; conditional?: boolean }[]
}

export interface ModelNode {
  id: string
  label: string
  kind: NodeKind
  /** A YAML step's type (`shell`, `http`, …). */
  stepType?: string
  /** The subgraph group this node is drawn in (xray ids `child:outline` → `child`). */
  parent?: string
  tools?: string[]
  /** A router whose conditional edges have no path map: its drawn targets are only those taken. */
  unknownTargets?: boolean
  /** A collapsed subgraph: how many nodes it hides. */
  hidden?: number
}

export interface ModelEdge {
  id: string
  source: string
  target: string
  conditional: boolean
  label?: string
  /** Drawn because the thread's history took it (the router's targets are unknown). */
  taken?: boolean
}

export interface GraphModel { nodes: ModelNode[]; edges: ModelEdge[] }

const SEP = ':'
const lastSeg = (id: string) => id.slice(id.lastIndexOf(SEP) + 1)
const parentOf = (id: string) => (id.includes(SEP) ? id.slice(0, id.lastIndexOf(SEP)) : undefined)
const prefixesOf = (id: string) => id.split(SEP).slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join(SEP))

function kindOf(id: string, n: GraphJson['nodes'][number]): NodeKind {
  const label = lastSeg(id)
  if (label === '__start__') return 'start'
  if (label === '__end__') return 'end'
  const m = n.metadata ?? {}
  const declared = typeof m.kind === 'string' ? m.kind : undefined
  if (declared && ['agent', 'tool', 'human', 'router', 'step', 'outputs'].includes(declared)) return declared as NodeKind
  if (Array.isArray(m.__tools) || JSON.stringify((n.data as { id?: unknown } | undefined)?.id ?? '').includes('ToolNode')) return 'tool'
  if (typeof m.__interrupt === 'string') return 'human'
  if (label === '__outputs__') return 'outputs'
  return 'node'
}

/**
 * Routers that LangGraph could only draw as reaching everything: flagged by the server
 * (`metadata.branch_targets: 'unknown'`), or, from a server that does not flag them, a router whose
 * conditional edges go to every other node of its level and to `__end__`.
 */
function unknownRouters(json: GraphJson, ids: string[]): Set<string> {
  const out = new Set(json.nodes.filter((n) => n.metadata?.branch_targets === 'unknown').map((n) => String(n.id)))
  const bySource = new Map<string, Set<string>>()
  for (const e of json.edges) if (e.conditional) bySource.set(e.source, (bySource.get(e.source) ?? new Set()).add(e.target))
  for (const [source, targets] of bySource) {
    const level = parentOf(source)
    const siblings = ids.filter((id) => id !== source && parentOf(id) === level && !['__start__', '__end__'].includes(lastSeg(id)))
    const covers = siblings.length >= 2 && siblings.every((s) => targets.has(s) || [...targets].some((t) => t.startsWith(`${s}${SEP}`)))
    if (covers && [...targets].some((t) => lastSeg(t) === '__end__')) out.add(source)
  }
  return out
}

const labelOf = (data: unknown, target: string) => (typeof data === 'string' && data !== lastSeg(target) ? data : undefined)

/**
 * The drawing's model: nodes by kind in their subgraph groups, edges with their branch labels. A router
 * with unknown targets keeps only the edges in `taken` (`"source->target"`, from the thread's history),
 * or, with none taken, one edge to a `?` node that says the targets are unknown. Collapsed groups are
 * drawn as one node, their edges rerouted to it.
 */
export function buildModel(json: GraphJson, opts: { taken?: ReadonlySet<string>; collapsed?: ReadonlySet<string> } = {}): GraphModel {
  const ids = json.nodes.map((n) => String(n.id))
  const unknown = unknownRouters(json, ids)
  const groups = new Set(ids.flatMap(prefixesOf))
  const collapsed = [...(opts.collapsed ?? [])].filter((g) => groups.has(g))
  // a node inside a collapsed group is drawn as the outermost collapsed group holding it
  const shownAs = (id: string) => prefixesOf(id).find((p) => collapsed.includes(p)) ?? id
  const nodes = new Map<string, ModelNode>()
  const addGroup = (g: string) => {
    if (nodes.has(g) || shownAs(g) !== g) return
    nodes.set(g, { id: g, label: lastSeg(g), kind: 'subgraph', parent: parentOf(g), ...(collapsed.includes(g) ? { hidden: ids.filter((i) => i.startsWith(`${g}${SEP}`)).length } : {}) })
  }
  // in the graph's own order (ELK breaks cycles by it), each group where its first node is
  for (const n of json.nodes) {
    const id = String(n.id)
    prefixesOf(id).forEach(addGroup)
    if (shownAs(id) !== id || groups.has(id)) continue
    const m = n.metadata ?? {}
    nodes.set(id, {
      // `__label`: a drawing the page made (an unrolled loop's `review #2`)
      id, label: typeof m.__label === 'string' ? m.__label : lastSeg(id), kind: kindOf(id, n), parent: parentOf(id),
      ...(typeof m.step_type === 'string' && m.kind === 'step' ? { stepType: m.step_type } : {}),
      ...(Array.isArray(m.__tools) ? { tools: m.__tools.map(String) } : {}),
      ...(unknown.has(id) ? { unknownTargets: true } : {}),
    })
  }
  const edges = new Map<string, ModelEdge>()
  const add = (e: Omit<ModelEdge, 'id'>) => {
    const id = `${e.source}->${e.target}`
    if (e.source !== e.target || !collapsed.includes(e.source)) if (!edges.has(id)) edges.set(id, { id, ...e })
  }
  for (const e of json.edges) {
    if (e.conditional && unknown.has(e.source) && !opts.taken?.has(`${e.source}->${e.target}`)) continue
    const source = shownAs(e.source)
    const target = shownAs(e.target)
    if (source === target && collapsed.includes(source)) continue
    const taken = e.conditional && unknown.has(e.source) ? { taken: true, label: 'taken' } : {}
    add({ source, target, conditional: e.conditional === true, ...(labelOf(e.data, e.target) ? { label: labelOf(e.data, e.target) } : {}), ...taken })
  }
  for (const r of unknown) {
    if (!nodes.has(r) || [...edges.values()].some((e) => e.source === r && e.taken)) continue
    const q = `${r}#?`
    nodes.set(q, { id: q, label: '?', kind: 'unknown', parent: parentOf(r) })
    add({ source: r, target: q, conditional: true, label: 'targets unknown: no path map' })
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] }
}

/**
 * The transitions a thread took, as `"source->target"`: between two consecutive checkpoints, each node
 * that was next ran and led to the nodes next after it (or to `__end__` when nothing was next).
 */
export function takenFromHistory(history: { next: string[]; metadata?: Record<string, unknown> | null }[]): Set<string> {
  const steps = [...history].sort((a, b) => Number(a.metadata?.step ?? 0) - Number(b.metadata?.step ?? 0))
  const taken = new Set<string>()
  steps.forEach((a, i) => {
    const b = steps[i + 1]
    if (!b) return
    for (const s of a.next) for (const t of b.next.length ? b.next : ['__end__']) taken.add(`${s}->${t}`)
  })
  return taken
}
