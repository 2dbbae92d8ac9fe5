import { Link, useParams } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import { ThreadLive } from '../live/thread-live.js'

/** One thread: status, current state and its checkpoints (each its own URL). */
export function ThreadView() {
  const { threadId = '' } = useParams<{ threadId: string }>()
  const thread = useResource(`thread:${threadId}`, () => call((c) => c.threads.get(threadId)))
  const history = useResource(`history:${threadId}`, () => call((c) => c.threads.getHistory(threadId, { limit: 100 })))
  if (thread.error) return <ErrorPanel error={thread.error} what={`thread ${threadId}`} onRetry={thread.reload} />
  if (!thread.data) return <Loading what={`thread ${threadId}`} />
  const t = thread.data
  const graphId = typeof t.metadata?.graph_id === 'string' ? t.metadata.graph_id : undefined
  return (
    <>
    <ThreadLive threadId={threadId} graphId={graphId} />
    <section className="panel" aria-labelledby="thread-title">
      <h1 id="thread-title">Thread <code>{t.thread_id}</code> <span className={`status status-${t.status}`}>{t.status}</span></h1>
      <dl className="facts">
        <dt>Created</dt><dd>{new Date(t.created_at).toLocaleString()}</dd>
        <dt>Metadata</dt><dd><pre>{JSON.stringify(t.metadata, null, 2)}</pre></dd>
      </dl>
      <h2>Checkpoints</h2>
      {history.error ? <ErrorPanel error={history.error} what="the checkpoints" onRetry={history.reload} /> : null}
      {history.data ? (
        <ol className="checkpoints" reversed>
          {history.data.map((s) => s.checkpoint.checkpoint_id ? (
            <li key={s.checkpoint.checkpoint_id}>
              <Link href={paths.checkpoint(threadId, s.checkpoint.checkpoint_id)}><code>{s.checkpoint.checkpoint_id}</code></Link>
              {' '}step {String((s.metadata as Record<string, unknown> | null)?.step ?? '?')}, next: {s.next.join(', ') || '—'}
            </li>
          ) : null)}
        </ol>
      ) : null}
      <h2>State</h2>
      <pre data-testid="thread-values">{JSON.stringify(t.values, null, 2)}</pre>
    </section>
    </>
  )
}
