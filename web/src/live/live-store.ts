import { useEffect } from 'react'
import { create } from 'zustand'
import { useNodeStates } from '../stores/node-states-store.js'
import { useSettings } from '../stores/settings-store.js'
import { LiveConnection, type LinkState } from './live-connection.js'
import { initialLive, reduceFailures, reduceLive, toNodeStates, type LiveState } from './live-reducer.js'

interface ThreadLive { live: LiveState; link: LinkState; graphNodes: readonly string[] }

interface LiveStore {
  byThread: Record<string, ThreadLive>
  /** Applies a batch of events (the reducer) and refreshes the graph overlay. */
  apply(threadId: string, events: Parameters<typeof reduceLive>[1]): void
  /** Marks the nodes a failed run's state names as failing (reduceFailures). */
  fail(threadId: string, runId: string, failures: { node: string; error: string }[]): void
  setLink(threadId: string, link: LinkState): void
  setGraphNodes(threadId: string, ids: readonly string[]): void
}

const EMPTY: ThreadLive = { live: initialLive(), link: { status: 'connecting' }, graphNodes: [] }

/** The live state of every thread page open (one connection per thread), fed by LiveConnection. */
export const useLive = create<LiveStore>((set, get) => ({
  byThread: {},
  apply(threadId, events) {
    const t = get().byThread[threadId] ?? EMPTY
    const live = reduceLive(t.live, events)
    if (live === t.live) return
    set((s) => ({ byThread: { ...s.byThread, [threadId]: { ...t, live } } }))
    // custom events, messages of a node already lit…: the overlay is unchanged, the graph is not redrawn
    if (live.nodes !== t.live.nodes || live.runs !== t.live.runs) useNodeStates.getState().set(liveOverlayKey(threadId), toNodeStates(live, t.graphNodes))
  },
  fail(threadId, runId, failures) {
    const t = get().byThread[threadId] ?? EMPTY
    const live = reduceFailures(t.live, runId, failures)
    set((s) => ({ byThread: { ...s.byThread, [threadId]: { ...t, live } } }))
    useNodeStates.getState().set(liveOverlayKey(threadId), toNodeStates(live, t.graphNodes))
  },
  setLink(threadId, link) {
    const t = get().byThread[threadId] ?? EMPTY
    set((s) => ({ byThread: { ...s.byThread, [threadId]: { ...t, link } } }))
  },
  setGraphNodes(threadId, ids) {
    const t = get().byThread[threadId] ?? EMPTY
    set((s) => ({ byThread: { ...s.byThread, [threadId]: { ...t, graphNodes: ids } } }))
    useNodeStates.getState().set(liveOverlayKey(threadId), toNodeStates(t.live, ids))
  },
}))

/** The node-states-store slot the live run writes (apart from the time-travel view's `threadId` slot). */
export const liveOverlayKey = (threadId: string): string => `live:${threadId}`

export const useThreadLive = (threadId: string): ThreadLive => useLive((s) => s.byThread[threadId] ?? EMPTY)

const connections = new Map<string, { conn: LiveConnection; users: number }>()

/** The open connection of a thread page (to send commands on), if any. */
export const connectionOf = (threadId: string): LiveConnection | undefined => connections.get(threadId)?.conn

/**
 * Follows a thread live while the component is mounted: one connection per thread (shared by the
 * components that ask), replaying the whole thread first, then every new event.
 */
export function useLiveThread(threadId: string): LiveConnection | undefined {
  const apiUrl = useSettings((s) => s.apiUrl)
  const apiKey = useSettings((s) => s.apiKey)
  useEffect(() => {
    if (!threadId) return
    let entry = connections.get(threadId)
    if (!entry) {
      const { apiUrl: url, apiKey: key } = useSettings.getState()
      // a fresh connection starts from nothing: reset what an earlier visit left
      useLive.setState((s) => ({ byThread: { ...s.byThread, [threadId]: { ...EMPTY, graphNodes: s.byThread[threadId]?.graphNodes ?? [] } } }))
      const conn = new LiveConnection({
        apiUrl: url, apiKey: key || undefined, threadId,
        onEvents: (evs) => useLive.getState().apply(threadId, evs),
        onStatus: (link) => useLive.getState().setLink(threadId, link),
      })
      entry = { conn, users: 0 }
      connections.set(threadId, entry)
      // the e2e tests reach the connection from page script (drop it, read its figures)
      ;(globalThis as { __switchyardLive?: Record<string, LiveConnection> }).__switchyardLive = Object.fromEntries([...connections].map(([k, v]) => [k, v.conn]))
    }
    entry.users++
    return () => {
      const e = connections.get(threadId)
      if (!e || --e.users > 0) return
      e.conn.close()
      connections.delete(threadId)
    }
  }, [threadId, apiUrl, apiKey])
  return connections.get(threadId)?.conn
}
