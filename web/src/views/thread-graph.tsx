import { useMemo } from 'react'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { GraphView } from '../graph/graph-view.js'
import { takenFromHistory, type GraphJson } from '../graph/graph-model.js'
import { useThreadNodeStates } from '../stores/node-states-store.js'

const NONE: ReadonlySet<string> = new Set()

/** A graph drawn for a thread: the transitions its history took, and the node states of its run (the overlay store). */
export function ThreadGraph({ graph, threadId, label, overlayKey }: { graph: GraphJson; threadId?: string; label: string; overlayKey?: string }) {
  const history = useResource(`graph-history:${threadId ?? ''}`, async () => (threadId ? call((c) => c.threads.getHistory(threadId, { limit: 1000 })) : []))
  const taken = useMemo(() => (history.data?.length ? takenFromHistory(history.data) : NONE), [history.data])
  // the live run draws its own overlay slot (`live:<thread>`), the time-travel view the thread's
  const nodeStates = useThreadNodeStates(overlayKey ?? threadId)
  return <GraphView graph={graph} label={label} taken={taken} nodeStates={nodeStates} />
}
