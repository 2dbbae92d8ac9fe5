import { Link, useParams } from 'wouter'
import { apiFetch, call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import type { RunEvent } from '../timetravel/debug-source.js'

/** One run (its own URL): status, request, and its durable event log with times. */
export function RunView() {
  const { threadId = '', runId = '' } = useParams<{ threadId: string; runId: string }>()
  const run = useResource(`run:${threadId}:${runId}`, () => call((c) => c.runs.get(threadId, runId)))
  const events = useResource(`run-events:${threadId}:${runId}`, () => apiFetch<RunEvent[]>(`/api/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}/events?limit=10000`))
  if (run.error) return <ErrorPanel error={run.error} what={`run ${runId} of thread ${threadId}`} onRetry={run.reload} />
  if (!run.data) return <Loading what={`run ${runId}`} />
  const r = run.data
  const t0 = Date.parse(r.created_at)
  return (
    <section className="panel" aria-labelledby="run-title">
      <h1 id="run-title">Run <code>{r.run_id}</code> <span className={`status status-${r.status}`}>{r.status}</span></h1>
      <p>of thread <Link href={paths.thread(threadId)}><code>{threadId}</code></Link></p>
      <dl className="facts">
        <dt>Created</dt><dd>{new Date(r.created_at).toLocaleString()}</dd>
        <dt>Updated</dt><dd>{new Date(r.updated_at).toLocaleString()}</dd>
        <dt>Request</dt><dd><pre tabIndex={0}>{JSON.stringify((r as unknown as { kwargs?: unknown }).kwargs ?? null, null, 2)}</pre></dd>
      </dl>
      <h2>Events</h2>
      {events.error ? <ErrorPanel error={events.error} what="the run's events" onRetry={events.reload} /> : null}
      {events.data ? (
        <table className="list" data-testid="run-events">
          <thead><tr><th scope="col">#</th><th scope="col">+ms</th><th scope="col">Event</th><th scope="col">Data</th></tr></thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.seq}><td>{e.seq}</td><td>{e.created_at ? Date.parse(e.created_at) - t0 : ''}</td><td><code>{e.event}</code></td><td><pre tabIndex={0} className="compact">{JSON.stringify(e.data).slice(0, 400)}</pre></td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
