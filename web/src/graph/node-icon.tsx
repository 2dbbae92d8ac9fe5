import type { NodeKind } from './graph-model.js'

// small line icons (no icon font: nothing is fetched, nothing depends on installed emoji)
const PATHS: Record<NodeKind, string> = {
  start: 'M5 3l9 5-9 5z',
  end: 'M4 4h8v8H4z',
  agent: 'M8 2a3 3 0 110 6 3 3 0 010-6zM2.5 14c.5-3 2.8-4.5 5.5-4.5s5 1.5 5.5 4.5z',
  tool: 'M10.5 1.5a3.5 3.5 0 00-3.3 4.7L2 11.4 4.6 14l5.2-5.2a3.5 3.5 0 004.6-4.3l-2 2-2.1-.5-.5-2.1z',
  human: 'M6 2v6H5V4H4v6c0 2.5 1.8 4 4 4s4-1.5 4-4V5h-1v3h-1V3H9v5H8V2z',
  router: 'M8 1.5L14.5 8 8 14.5 1.5 8z',
  step: 'M3 3h10v10H3zM5.5 6h5M5.5 8h5M5.5 10h3',
  outputs: 'M2 8h8M7 5l3 3-3 3M12 3v10',
  subgraph: 'M2 3h5v4H2zM9 9h5v4H9zM4.5 7v4H9',
  unknown: 'M6 6a2 2 0 114 0c0 1.2-2 1.5-2 3M8 11.5v1',
  node: 'M3 5h10v6H3z',
}

/** The icon of a node kind, labelled for screen readers by the node's text. */
export function NodeIcon({ kind }: { kind: NodeKind }) {
  const filled = kind === 'start' || kind === 'end' || kind === 'agent' || kind === 'tool' || kind === 'human' || kind === 'router'
  return (
    <svg className={`node-icon icon-${kind}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d={PATHS[kind]} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={filled ? 0 : 1.4} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}

export const KIND_LABEL: Record<NodeKind, string> = {
  start: 'start', end: 'end', agent: 'agent', tool: 'tool', human: 'human gate', router: 'router', step: 'step',
  outputs: 'outputs', subgraph: 'subgraph', unknown: 'unknown targets', node: 'node',
}
