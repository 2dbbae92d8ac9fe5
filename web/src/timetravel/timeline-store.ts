import { create } from 'zustand'
import type { Thread } from '@langchain/langgraph-sdk'
import { toApiError, type ApiError } from '../api/api-error.js'
import type { DebugSource } from './debug-source.js'
import { buildTree, type HistoryState, type HistoryTree } from './history-tree.js'

interface TimelineStore {
  source?: DebugSource
  thread?: Thread
  tree?: HistoryTree
  error?: ApiError
  /** Full states fetched so far, by checkpoint id (the timeline has none: fetched when looked at). */
  states: Record<string, HistoryState>
  stateErrors: Record<string, ApiError>
  /** Loads the thread and its timeline from `source` (again, after a fork or a run). */
  open(source: DebugSource): Promise<void>
  /** The full state of a checkpoint, fetched once. */
  ensureState(checkpointId: string): Promise<HistoryState | undefined>
}

/**
 * The thread being debugged: its checkpoint tree from the selected-fields history, and full states
 * fetched lazily — a thread of thousands of checkpoints costs one light request, then one per checkpoint
 * looked at.
 */
export const useTimeline = create<TimelineStore>((set, get) => ({
  states: {},
  stateErrors: {},
  async open(source) {
    const same = get().source?.threadId === source.threadId && get().source?.offline === source.offline
    set({ source, error: undefined, ...(same ? {} : { thread: undefined, tree: undefined, states: {}, stateErrors: {} }) })
    try {
      const [thread, timeline] = await Promise.all([source.thread(), source.timeline()])
      if (get().source !== source) return
      set({ thread, tree: buildTree(timeline) })
    } catch (e) {
      if (get().source === source) set({ error: toApiError(e) })
    }
  },
  async ensureState(id) {
    const { source, states } = get()
    if (!source) return undefined
    if (states[id]) return states[id]
    try {
      const s = await source.state(id)
      if (get().source === source) set((st) => ({ states: { ...st.states, [id]: s } }))
      return s
    } catch (e) {
      if (get().source === source) set((st) => ({ stateErrors: { ...st.stateErrors, [id]: toApiError(e) } }))
      return undefined
    }
  },
}))
