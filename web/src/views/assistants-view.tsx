import { Link } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'

/** Every assistant of the server, each linking to its graph. */
export function AssistantsView() {
  const list = useResource('assistants', () => call((c) => c.assistants.search({ limit: 100, sortBy: 'name', sortOrder: 'asc' })))
  return (
    <section className="panel" aria-labelledby="assistants-title">
      <h1 id="assistants-title">Assistants</h1>
      {list.error ? <ErrorPanel error={list.error} what="the assistants" onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading what="assistants" /> : null}
      {list.data ? (
        <table className="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Graph</th><th scope="col">Description</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.data.map((a) => (
              <tr key={a.assistant_id}>
                <td><Link href={paths.assistant(a.assistant_id)}>{a.name}</Link></td>
                <td><code>{a.graph_id}</code></td>
                <td>{a.description ?? ''}</td>
                <td><time dateTime={a.updated_at}>{new Date(a.updated_at).toLocaleString()}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
