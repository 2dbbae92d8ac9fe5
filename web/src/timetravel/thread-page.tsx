import { useMemo } from 'react'
import { useLocation } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import { liveOverlayKey, useThreadLive } from '../live/live-store.js'
import { ThreadLive } from '../live/thread-live.js'
import { useThreadNodeStates } from '../stores/node-states-store.js'
import { serverSource } from './debug-source.js'
import { ThreadDebugger } from './thread-debugger.js'

/**
 * A thread of the server: its facts, then one synchronised view — the graph, the scrubber, the waterfall
 * and the checkpoint tree on one selection, with the live run panel beside the graph. The thread's URL
 * follows the live run (the graph draws its events); a checkpoint's URL shows that point in time.
 */
export function ThreadPage({ threadId, checkpointId }: { threadId: string; checkpointId?: string }) {
  const [, navigate] = useLocation()
  const thread = useResource(`thread:${threadId}`, () => call((c) => c.threads.get(threadId)))
  const source = useMemo(() => serverSource(threadId), [threadId])
  const liveStates = useThreadNodeStates(liveOverlayKey(threadId))
  const { live } = useThreadLive(threadId)
  const tick = live.checkpoints + live.runOrder.length
  const liveView = useMemo(() => ({ states: liveStates, tick }), [liveStates, tick])
  if (thread.error) return <ErrorPanel error={thread.error} what={`thread ${threadId}`} onRetry={thread.reload} />
  if (!thread.data) return <Loading what={`thread ${threadId}`} />
  const t = thread.data
  const m = (t.metadata ?? {}) as Record<string, unknown>
  const graphId = typeof m.graph_id === 'string' ? m.graph_id : undefined
  return (
    <>
      <section className="panel" aria-labelledby="thread-title">
        <h1 id="thread-title">Thread <code>{t.thread_id}</code> <span className={`status status-${t.status}`}>{t.status}</span></h1>
        <dl className="facts">
          <dt>Graph</dt><dd>{String(m.graph_id ?? '—')}</dd>
          <dt>Created</dt><dd>{new Date(t.created_at).toLocaleString()}</dd>
          <dt>Updated</dt><dd>{new Date(t.updated_at).toLocaleString()}</dd>
          <dt>Metadata</dt><dd><details><summary>{Object.keys(t.metadata ?? {}).length} keys</summary><pre tabIndex={0}>{JSON.stringify(t.metadata, null, 2)}</pre></details></dd>
        </dl>
      </section>
      <ThreadDebugger source={source} checkpointId={checkpointId} onSelect={(cid) => navigate(paths.checkpoint(threadId, cid))}
        live={liveView} onFollow={() => navigate(paths.thread(threadId))}
        side={<ThreadLive threadId={threadId} graphId={graphId} onSettled={thread.reload} />} />
    </>
  )
}
