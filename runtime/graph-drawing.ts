import type { AnyGraph } from '../graphs/registry.js'

interface DrawnGraph {
  nodes: { id: string | number; type?: string; data?: unknown; metadata?: Record<string, unknown> }[]
  edges: { source: string; target: string; data?: unknown; conditional?: boolean }[]
}

type Branches = Record<string, Record<string, { ends?: unknown }>>

/**
 * The graph's drawing as `GET /assistants/{id}/graph` answers it: LangGraph's own JSON (nodes carry the
 * `metadata` their graph gave them at `addNode`, e.g. `{kind: 'human'}`), plus `metadata.branch_targets:
 * 'unknown'` on a router whose conditional edges have no path map. LangGraph draws such a router as able
 * to reach every node; the flag lets a client say so instead of drawing the fan-out as if it were real.
 */
export async function drawGraph(graph: AnyGraph, xray: boolean | number | undefined): Promise<DrawnGraph> {
  const drawn = (await graph.getGraphAsync({ xray })).toJSON() as DrawnGraph
  const branches = ((graph as { builder?: { branches?: Branches } }).builder?.branches ?? {})
  const unknown = new Set(Object.entries(branches)
    .filter(([, byName]) => Object.values(byName).some((b) => b.ends === undefined))
    .map(([source]) => source))
  for (const n of drawn.nodes) {
    if (unknown.has(String(n.id))) n.metadata = { ...n.metadata, branch_targets: 'unknown' }
  }
  return drawn
}
