import { Handle, Position, type NodeProps, type Node } from '@xyflow/react'
import type { NodeState } from '../stores/node-states-store.js'
import type { ModelNode } from './graph-model.js'
import { KIND_LABEL, NodeIcon } from './node-icon.js'

export type StepNodeData = { node: ModelNode; state?: NodeState; onToggle?: (group: string) => void }
export type StepFlowNode = Node<StepNodeData, 'step'>
export type GroupFlowNode = Node<StepNodeData, 'subgraph'>

const stateText = (s: NodeState) =>
  s.status === 'done' ? (s.ms !== undefined ? `${Math.round(s.ms)} ms` : 'done')
    : s.status === 'error' ? `error: ${s.error ?? ''}`
      : s.status === 'interrupted' && s.error ? `waiting; answer refused: ${s.error}` : s.status

/**
 * Where it failed, on the node itself: the message, and the stack behind a disclosure (drawn over the
 * canvas, scrollable; `nodrag nopan nowheel` keep React Flow's pan and zoom off it).
 */
function NodeFailure({ id, state }: { id: string; state: NodeState }) {
  if (!state.error) return null
  const refused = state.status === 'interrupted'
  return (
    <details className="nodrag nopan nowheel node-failure" data-testid="node-failure" data-node={id}>
      <summary aria-label={`${refused ? 'Refused answer' : 'Error'} at ${id}${state.stack ? ', with its stack' : ''}`}>{refused ? 'refusal' : state.stack ? 'stack' : 'error'}</summary>
      <div className="node-failure-body" role="group" aria-label={`${refused ? 'Refused answer' : 'Error'} at ${id}`}>
        <p className="node-failure-message" data-testid="node-failure-message">{state.error}</p>
        {state.stack ? <pre className="node-failure-stack" data-testid="node-failure-stack" tabIndex={0}>{state.stack}</pre> : refused ? null : <p className="hint">(no stack recorded with the event)</p>}
      </div>
    </details>
  )
}

/** One graph node: icon by kind, its name (`review (3)` when it ran three times), its live state. */
export function StepNode({ data }: NodeProps<StepFlowNode>) {
  const { node, state } = data
  const count = state?.count && state.count > 1 ? ` (${state.count})` : ''
  const collapsed = node.kind === 'subgraph'
  return (
    <div className={`flow-node kind-${node.kind}${state ? ` node-${state.status}` : ''}`} data-node-id={node.id} data-kind={node.kind}
      title={state?.error ?? (node.unknownTargets ? 'conditional edges without a path map: only the targets taken are drawn' : undefined)}>
      <Handle type="target" position={Position.Top} />
      <span className="flow-node-title">
        <NodeIcon kind={node.kind} />
        <span className="flow-node-label">{node.label}{count}</span>
        {collapsed && data.onToggle ? (
          <button type="button" className="nodrag group-toggle" onClick={() => data.onToggle?.(node.id)} aria-label={`Expand subgraph ${node.label}`} aria-expanded="false">▸ {node.hidden}</button>
        ) : null}
      </span>
      <span className="flow-node-kind">{node.stepType ?? KIND_LABEL[node.kind]}{node.tools ? `: ${node.tools.join(', ')}` : ''}</span>
      {state ? <span className="flow-node-state" role="status">{stateText(state)}</span> : null}
      {state?.error && (state.status === 'error' || state.status === 'interrupted') ? <NodeFailure id={node.id} state={state} /> : null}
      <Handle type="source" position={Position.Bottom} />
    </div>
  )
}

/** An expanded subgraph: a titled box its nodes are drawn in, with a button to collapse it. */
export function GroupNode({ data }: NodeProps<GroupFlowNode>) {
  const { node, state } = data
  return (
    <div className={`flow-group${state ? ` node-${state.status}` : ''}`} data-node-id={node.id} data-kind="subgraph">
      <Handle type="target" position={Position.Top} />
      <span className="flow-group-title">
        <NodeIcon kind="subgraph" /> {node.label}
        <button type="button" className="nodrag group-toggle" onClick={() => data.onToggle?.(node.id)} aria-label={`Collapse subgraph ${node.label}`} aria-expanded="true">▾</button>
      </span>
      <Handle type="source" position={Position.Bottom} />
    </div>
  )
}

export const NODE_TYPES = { step: StepNode, subgraph: GroupNode }
