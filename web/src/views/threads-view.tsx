import { Link } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'

/** The server's threads, newest first. */
export function ThreadsView() {
  const list = useResource('threads', () => call((c) => c.threads.search({ limit: 50, sortBy: 'updated_at', sortOrder: 'desc' })))
  return (
    <section className="panel" aria-labelledby="threads-title">
      <h1 id="threads-title">Threads</h1>
      {list.error ? <ErrorPanel error={list.error} what="the threads" onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading what="threads" /> : null}
      {list.data?.length === 0 ? <p>No threads yet: run a graph (<code>switchyard run sdlc &quot;a todo app&quot;</code>).</p> : null}
      {list.data?.length ? (
        <table className="list">
          <thead><tr><th scope="col">Thread</th><th scope="col">Status</th><th scope="col">Graph</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.data.map((t) => (
              <tr key={t.thread_id}>
                <td><Link href={paths.thread(t.thread_id)}><code>{t.thread_id}</code></Link></td>
                <td><span className={`status status-${t.status}`}>{t.status}</span></td>
                <td>{String((t.metadata as Record<string, unknown> | null)?.graph_id ?? '')}</td>
                <td><time dateTime={t.updated_at}>{new Date(t.updated_at).toLocaleString()}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
