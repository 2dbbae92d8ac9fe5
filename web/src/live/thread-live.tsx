import { useEffect, useMemo, useRef } from 'react'
import './live.css'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { ErrorPanel } from '../components/error-panel.js'
import type { GraphJson } from '../graph/graph-model.js'
import { currentRun } from './live-reducer.js'
import { useLive, useLiveThread, useThreadLive } from './live-store.js'
import { RunPanel } from './run-panel.js'
import { StartRun } from './start-run.js'

/**
 * A thread followed live: the run panel (interrupts, node details, event log) and a new run. The nodes
 * lit by the run's events are drawn by the thread page's one graph (the time-travel debugger's, which
 * shows the live overlay while it follows the head). Mounted beside that graph.
 */
export function ThreadLive({ threadId, graphId, onSettled }: { threadId: string; graphId?: string; onSettled?(): void }) {
  useLiveThread(threadId)
  const assistants = useResource(`assistants-of:${graphId ?? ''}`, async () => (graphId ? call((c) => c.assistants.search({ graphId, limit: 1 })) : []))
  const assistant = assistants.data?.[0]
  const graph = useResource(`graph:${assistant?.assistant_id ?? ''}`, async () => (assistant ? (await call((c) => c.assistants.getGraph(assistant.assistant_id, { xray: true }))) as unknown as GraphJson : undefined))
  const ids = useMemo(() => (graph.data?.nodes ?? []).map((n) => String(n.id)), [graph.data])
  useEffect(() => { useLive.getState().setGraphNodes(threadId, ids) }, [threadId, ids])
  // a failed run: the thread's state says which task failed (its pending error write), shown on that node
  const run = currentRun(useThreadLive(threadId).live)
  const failedRun = run?.status === 'failed' ? run.runId : undefined
  // a run ended or stopped at an interrupt: what the page loaded over HTTP (status, state) is stale
  const settled = run && run.status !== 'running' ? `${run.runId}:${run.status}` : undefined
  const onSettledRef = useRef(onSettled)
  onSettledRef.current = onSettled
  useEffect(() => { if (settled) onSettledRef.current?.() }, [settled])
  useEffect(() => {
    if (!failedRun) return
    let live = true
    call((c) => c.threads.getState(threadId)).then((st) => {
      const failures = st.tasks.filter((t) => t.error).map((t) => ({ node: t.name, error: String(t.error) }))
      if (live) useLive.getState().fail(threadId, failedRun, failures)
    }, () => undefined)
    return () => { live = false }
  }, [threadId, failedRun])
  return (
    <div className="live-side">
      {assistants.error ? <ErrorPanel error={assistants.error} what={`the assistant of graph ${graphId ?? ''}`} onRetry={assistants.reload} /> : null}
      {graph.error ? <ErrorPanel error={graph.error} what="the graph" onRetry={graph.reload} /> : null}
      <RunPanel threadId={threadId} />
      {assistant ? <StartRun assistantId={assistant.assistant_id} threadId={threadId} compact /> : null}
    </div>
  )
}
