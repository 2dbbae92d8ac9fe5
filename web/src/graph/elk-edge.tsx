import { BaseEdge, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react'
import type { Point } from './elk-layout.js'

export type ElkEdgeData = { route?: Point[] }
export type ElkFlowEdge = Edge<ElkEdgeData, 'elk'>

/** An SVG path through the points, corners rounded. */
function pathOf(points: Point[], r = 6): string {
  let d = `M ${points[0]!.x} ${points[0]!.y}`
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!]
    const k1 = Math.min(r, Math.hypot(b.x - a.x, b.y - a.y) / 2) / (Math.hypot(b.x - a.x, b.y - a.y) || 1)
    const k2 = Math.min(r, Math.hypot(c.x - b.x, c.y - b.y) / 2) / (Math.hypot(c.x - b.x, c.y - b.y) || 1)
    d += ` L ${b.x - (b.x - a.x) * k1} ${b.y - (b.y - a.y) * k1} Q ${b.x} ${b.y} ${b.x + (c.x - b.x) * k2} ${b.y + (c.y - b.y) * k2}`
  }
  const last = points[points.length - 1]!
  return `${d} L ${last.x} ${last.y}`
}

/** Where a label goes: the middle of the route's longest segment. */
function labelAt(points: Point[]): Point {
  let best = { len: -1, at: points[0]! }
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!]
    const len = Math.hypot(b.x - a.x, b.y - a.y)
    if (len > best.len) best = { len, at: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } }
  }
  return best.at
}

/** An edge on the route ELK computed (so back edges go around the nodes, not through them). */
export function ElkEdge(p: EdgeProps<ElkFlowEdge>) {
  const route = p.data?.route
  const [path, lx, ly] = route && route.length >= 2
    ? [pathOf(route), labelAt(route).x, labelAt(route).y]
    : getSmoothStepPath({ sourceX: p.sourceX, sourceY: p.sourceY, targetX: p.targetX, targetY: p.targetY, sourcePosition: p.sourcePosition, targetPosition: p.targetPosition })
  return <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} style={p.style} label={p.label} labelX={lx} labelY={ly}
    labelBgPadding={[4, 2]} labelBgBorderRadius={4} labelStyle={{ fontSize: 11 }} interactionWidth={12} />
}

export const EDGE_TYPES = { elk: ElkEdge }
