import { useMemo, type ReactNode } from 'react'
import { useLocation } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import { serverSource } from './debug-source.js'
import { ThreadDebugger } from './thread-debugger.js'

/** A thread of the server: its facts, then the time-travel debugger (the checkpoint in the URL selected). */
export function ThreadPage({ threadId, checkpointId, live }: { threadId: string; checkpointId?: string; live?: (graphId: string | undefined) => ReactNode }) {
  const [, navigate] = useLocation()
  const thread = useResource(`thread:${threadId}`, () => call((c) => c.threads.get(threadId)))
  const source = useMemo(() => serverSource(threadId), [threadId])
  if (thread.error) return <ErrorPanel error={thread.error} what={`thread ${threadId}`} onRetry={thread.reload} />
  if (!thread.data) return <Loading what={`thread ${threadId}`} />
  const t = thread.data
  const m = (t.metadata ?? {}) as Record<string, unknown>
  return (
    <>
      {live?.(typeof m.graph_id === 'string' ? m.graph_id : undefined)}
      <section className="panel" aria-labelledby="thread-title">
        <h1 id="thread-title">Thread <code>{t.thread_id}</code> <span className={`status status-${t.status}`}>{t.status}</span></h1>
        <dl className="facts">
          <dt>Graph</dt><dd>{String(m.graph_id ?? '—')}</dd>
          <dt>Created</dt><dd>{new Date(t.created_at).toLocaleString()}</dd>
          <dt>Updated</dt><dd>{new Date(t.updated_at).toLocaleString()}</dd>
          <dt>Metadata</dt><dd><pre tabIndex={0}>{JSON.stringify(t.metadata, null, 2)}</pre></dd>
        </dl>
      </section>
      <ThreadDebugger source={source} checkpointId={checkpointId} onSelect={(cid) => navigate(paths.checkpoint(threadId, cid))} />
    </>
  )
}
