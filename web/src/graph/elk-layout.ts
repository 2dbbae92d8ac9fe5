import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js'
import type { GraphModel, ModelNode } from './graph-model.js'

/**
 * Layered, top to bottom. Cycles are broken by model order: an edge pointing back in the order the graph
 * declares its nodes is the back edge, the same on every render (ELK's default GREEDY breaker is random).
 * GREEDY_MODEL_ORDER is deterministic too, but its greedy pass puts a gate that loops back above the step
 * it reviews (sdlc's review_analyst drawn above analyst); strict MODEL_ORDER keeps the declared flow.
 */
export const ELK_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.nodeNode': '36',
  'elk.spacing.edgeNode': '24',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.edgeRouting': 'ORTHOGONAL',
}
const GROUP_PADDING = '[top=40,left=20,bottom=20,right=20]'
/** Past this many nodes a graph is laid out with fewer passes and drawn with only the nodes in view. */
export const BIG = 100

/** A node's box: wide enough for its label (measured labels would make the layout depend on fonts). */
export function sizeOf(n: ModelNode): { width: number; height: number } {
  if (n.kind === 'start' || n.kind === 'end') return { width: 96, height: 36 }
  if (n.kind === 'unknown') return { width: 120, height: 40 }
  return { width: Math.max(132, 8 * n.label.length + 64), height: n.stepType ? 56 : 48 }
}

/** The model as an ELK graph: groups hold their nodes; every edge sits at the root (ELK finds its container). */
export function toElk(model: GraphModel): ElkNode {
  const expanded = new Set(model.nodes.filter((n) => n.kind === 'subgraph' && n.hidden === undefined).map((n) => n.id))
  const byId = new Map<string, ElkNode>()
  for (const n of model.nodes) {
    byId.set(n.id, expanded.has(n.id)
      ? { id: n.id, children: [], layoutOptions: { 'elk.padding': GROUP_PADDING } }
      : { id: n.id, ...sizeOf(n) })
  }
  // hierarchy handling costs time: only when there are groups to lay out across; a big graph gets one
  // crossing-minimisation pass instead of seven (thoroughness: the 200-node figure, same drawing for a chain)
  const options = { ...ELK_OPTIONS, ...(expanded.size ? {} : { 'elk.hierarchyHandling': 'SEPARATE_CHILDREN' }), ...(model.nodes.length > BIG ? { 'elk.layered.thoroughness': '1' } : {}) }
  const root: ElkNode = { id: '__root__', layoutOptions: options, children: [], edges: [] }
  for (const n of model.nodes) {
    const parent = n.parent && byId.has(n.parent) ? byId.get(n.parent)! : root
    parent.children!.push(byId.get(n.id)!)
  }
  root.edges = model.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.source], targets: [e.target] }))
  return root
}

export interface Placed { x: number; y: number; width: number; height: number }

/** Node id → its box relative to its group (React Flow's `parentId` positions are relative too). */
export function placements(laid: ElkNode): Map<string, Placed> {
  const out = new Map<string, Placed>()
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 })
      walk(c)
    }
  }
  walk(laid)
  return out
}

export interface Point { x: number; y: number }

/**
 * Each edge's route as ELK drew it (orthogonal, around the nodes), in absolute coordinates: ELK gives
 * a section's points relative to the edge's container, which is the root or a group.
 */
export function routes(laid: ElkNode): Map<string, Point[]> {
  const offset = new Map<string, Point>([[laid.id, { x: 0, y: 0 }]])
  const walk = (n: ElkNode, at: Point) => {
    for (const c of n.children ?? []) {
      const abs = { x: at.x + (c.x ?? 0), y: at.y + (c.y ?? 0) }
      offset.set(c.id, abs)
      walk(c, abs)
    }
  }
  walk(laid, { x: 0, y: 0 })
  const out = new Map<string, Point[]>()
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      const s = e.sections?.[0]
      if (!s) continue
      const base = offset.get((e as { container?: string }).container ?? n.id) ?? { x: 0, y: 0 }
      out.set(e.id, [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + base.x, y: p.y + base.y })))
    }
    for (const c of n.children ?? []) collect(c)
  }
  collect(laid)
  return out
}
