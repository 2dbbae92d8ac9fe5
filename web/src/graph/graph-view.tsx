import { Background, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import type { ElkNode } from 'elkjs/lib/elk-api.js'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useAppliedTheme } from '../components/theme-toggle.js'
import type { NodeStates } from '../stores/node-states-store.js'
import { EDGE_TYPES } from './elk-edge.js'
import { BIG, placements, routes, toElk, type Placed, type Point } from './elk-layout.js'
import { buildModel, type GraphJson, type GraphModel } from './graph-model.js'
import { NODE_TYPES, type StepNodeData } from './graph-nodes.js'
import { layoutInWorker } from './layout-engine.js'

export interface GraphViewProps {
  graph: GraphJson
  /** Accessible name of the drawing (`graph sdlc`). */
  label: string
  /** The overlay: node id → state, from the live run or the checkpoint being looked at. */
  nodeStates?: NodeStates
  /** Transitions the thread took (`"a->b"`), to draw a router with unknown targets. */
  taken?: ReadonlySet<string>
  /** Layout function (default: ELK in a Web Worker). */
  layout?: (g: ElkNode) => Promise<ElkNode>
}

/** Fitted, but never magnified past 1:1 (a three-node graph would draw its text and error panels huge). */
const FIT = { padding: 0.1, duration: 0, maxZoom: 1 }

const KIND_COLOR: Record<string, string> = { agent: '#4c7fd9', human: '#c98a12', tool: '#2f9a57', router: '#8a5cc7', start: '#6b7483', end: '#6b7483', subgraph: '#9aa3b2' }

function toFlow(model: GraphModel, at: Map<string, Placed>, paths: Map<string, Point[]>, states: NodeStates, onToggle: (g: string) => void): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const nodes = model.nodes.flatMap((n): Node<StepNodeData>[] => {
    const p = at.get(n.id)
    if (!p) return []
    const group = n.kind === 'subgraph' && n.hidden === undefined
    return [{
      id: n.id, type: group ? 'subgraph' : 'step', position: { x: p.x, y: p.y }, width: p.width, height: p.height,
      ...(n.parent && at.has(n.parent) ? { parentId: n.parent, extent: 'parent' as const } : {}),
      style: { width: p.width, height: p.height },
      data: { node: n, state: states[n.id], onToggle },
      draggable: false, connectable: false, ariaLabel: `${n.kind} ${n.label}${states[n.id] ? `, ${states[n.id]!.status}` : ''}`,
    }]
  })
  const edges = model.edges.map((e): Edge => ({
    id: e.id, source: e.source, target: e.target, type: 'elk', label: e.label, data: { route: paths.get(e.id) },
    className: `flow-edge${e.conditional ? ' conditional' : ''}${e.taken ? ' taken' : ''}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    style: e.conditional ? { strokeDasharray: '6 4' } : undefined,
  }))
  return { nodes, edges }
}

function Drawing({ graph, label, nodeStates = {}, taken, layout = layoutInWorker }: GraphViewProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const model = useMemo(() => buildModel(graph, { taken, collapsed }), [graph, taken, collapsed])
  const [laid, setLaid] = useState<{ model: GraphModel; at: Map<string, Placed>; paths: Map<string, Point[]>; ms: number; done: number }>()
  const [failed, setFailed] = useState<string>()
  const flow = useReactFlow()
  const box = useRef<HTMLDivElement>(null)
  const onToggle = useCallback((g: string) => setCollapsed((c) => {
    const next = new Set(c)
    if (!next.delete(g)) next.add(g)
    return next
  }), [])
  useEffect(() => {
    let live = true
    const t0 = performance.now()
    performance.mark('graph-layout-start')
    layout(toElk(model)).then((out) => {
      if (!live) return
      performance.mark('graph-layout-end')
      setLaid({ model, at: placements(out), paths: routes(out), ms: performance.now() - t0, done: performance.now() })
    }, (e: unknown) => { if (live) setFailed(String((e as Error).message ?? e)) })
    return () => { live = false }
  }, [model, layout])
  const drawn = useMemo(() => (laid ? toFlow(laid.model, laid.at, laid.paths, nodeStates, onToggle) : undefined), [laid, nodeStates, onToggle])
  useEffect(() => {
    if (!laid) return
    // after the browser painted the nodes (the task after the next frame): the figures the e2e test reads —
    // layout (ELK in its worker, with the messages there and back), render (React Flow's commit, measuring
    // and the paint) and the two together
    requestAnimationFrame(() => {
      // a new drawing (loops unrolled, another version) is fitted again; ReactFlow's `fitView` fits the first
      void flow.fitView(FIT)
      // measured once the fitted view (a big graph draws only the nodes in it) has painted
      requestAnimationFrame(() => setTimeout(() => {
        performance.mark('graph-rendered')
        const m = performance.measure('graph-layout-and-render', 'graph-layout-start', 'graph-rendered')
        box.current?.setAttribute('data-layout-ms', laid.ms.toFixed(1))
        box.current?.setAttribute('data-render-ms', (performance.now() - laid.done).toFixed(1))
        box.current?.setAttribute('data-rendered-ms', m.duration.toFixed(1))
      }, 0))
    })
  }, [laid, flow])
  const theme = useAppliedTheme()
  if (failed) return <p role="alert">The graph could not be laid out: {failed}</p>
  return (
    <div className="graph-canvas" ref={box} role="figure" aria-label={label} data-testid="graph" data-nodes={drawn?.nodes.length ?? 0}>
      {drawn ? (
        <ReactFlow nodes={drawn.nodes} edges={drawn.edges} nodeTypes={NODE_TYPES} edgeTypes={EDGE_TYPES} colorMode={theme} fitView fitViewOptions={FIT} minZoom={0.05}
          onlyRenderVisibleElements={drawn.nodes.length > BIG}
          nodesDraggable={false} nodesConnectable={false}>
          <Background />
          <Controls showInteractive={false} aria-label="Zoom and fit" />
          <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor={(n) => KIND_COLOR[(n.data as StepNodeData).node.kind] ?? '#9aa3b2'} />
        </ReactFlow>
      ) : <p className="loading">Laying out…</p>}
    </div>
  )
}

/** A graph drawn with React Flow, laid out by ELK (layered, deterministic), with the node-state overlay. */
export function GraphView(props: GraphViewProps) {
  return <ReactFlowProvider><Drawing {...props} /></ReactFlowProvider>
}
