import { create } from 'zustand'

/** How a graph node fares in the run or checkpoint being looked at. */
export type NodeStatus = 'pending' | 'running' | 'done' | 'error' | 'interrupted'

export interface NodeState {
  status: NodeStatus
  /** Time spent, when done. */
  ms?: number
  /** The error's message, when it failed. */
  error?: string
  /** The error's stack, when the event carried one. */
  stack?: string
  /** How many times it ran (loops): drawn as `review (3)`. */
  count?: number
}

export type NodeStates = Record<string, NodeState>

interface NodeStatesStore {
  /** Per thread: node id → state; the graph view overlays the thread it shows. */
  byThread: Record<string, NodeStates>
  set(threadId: string, states: NodeStates): void
  clear(threadId: string): void
}

/**
 * The overlay slot of the graph view: the live-run reducer and the time-travel scrubber write node
 * states here, the graph view (GraphView's `nodeStates` prop) draws them.
 */
export const useNodeStates = create<NodeStatesStore>((set) => ({
  byThread: {},
  set: (threadId, states) => set((s) => ({ byThread: { ...s.byThread, [threadId]: states } })),
  clear: (threadId) => set((s) => {
    const { [threadId]: _gone, ...rest } = s.byThread
    return { byThread: rest }
  }),
}))

const NONE: NodeStates = {}
/** The node states of one thread (stable empty object when there are none). */
export const useThreadNodeStates = (threadId: string | undefined): NodeStates =>
  useNodeStates((s) => (threadId ? s.byThread[threadId] ?? NONE : NONE))
