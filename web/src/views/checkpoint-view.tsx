import { Link, useParams } from 'wouter'
import { call } from '../api/api-client.js'
import { ApiError } from '../api/api-error.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'

/** One checkpoint of a thread: its state and where the thread was going next. */
export function CheckpointView() {
  const { threadId = '', checkpointId = '' } = useParams<{ threadId: string; checkpointId: string }>()
  const state = useResource(`checkpoint:${threadId}:${checkpointId}`, async () => {
    const s = await call((c) => c.threads.getState(threadId, checkpointId))
    if (s.checkpoint?.checkpoint_id !== checkpointId) throw new ApiError('not-found', `thread ${threadId} has no checkpoint ${checkpointId}`, 404)
    return s
  })
  if (state.error) return <ErrorPanel error={state.error} what={`checkpoint ${checkpointId} of thread ${threadId}`} onRetry={state.reload} />
  if (!state.data) return <Loading what={`checkpoint ${checkpointId}`} />
  const s = state.data
  return (
    <section className="panel" aria-labelledby="checkpoint-title">
      <h1 id="checkpoint-title">Checkpoint <code>{checkpointId}</code></h1>
      <p>of thread <Link href={paths.thread(threadId)}><code>{threadId}</code></Link>
        {s.parent_checkpoint?.checkpoint_id ? <>, parent <Link href={paths.checkpoint(threadId, s.parent_checkpoint.checkpoint_id)}><code>{s.parent_checkpoint.checkpoint_id}</code></Link></> : null}
      </p>
      <dl className="facts">
        <dt>Next</dt><dd>{s.next.join(', ') || '—'}</dd>
        <dt>Created</dt><dd>{s.created_at ? new Date(s.created_at).toLocaleString() : '—'}</dd>
        <dt>Metadata</dt><dd><pre>{JSON.stringify(s.metadata, null, 2)}</pre></dd>
      </dl>
      <h2>State</h2>
      <pre data-testid="checkpoint-values">{JSON.stringify(s.values, null, 2)}</pre>
    </section>
  )
}
