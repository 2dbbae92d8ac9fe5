import { useParams } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'

/** One assistant: its graph (drawn by the graph view) and configuration. */
export function AssistantView() {
  const { assistantId = '' } = useParams<{ assistantId: string }>()
  const assistant = useResource(`assistant:${assistantId}`, () => call((c) => c.assistants.get(assistantId)))
  if (assistant.error) return <ErrorPanel error={assistant.error} what={`assistant ${assistantId}`} onRetry={assistant.reload} />
  if (!assistant.data) return <Loading what={`assistant ${assistantId}`} />
  const a = assistant.data
  return (
    <section className="panel" aria-labelledby="assistant-title">
      <h1 id="assistant-title">{a.name} <small><code>{a.graph_id}</code></small></h1>
      {a.description ? <p>{a.description}</p> : null}
      <dl className="facts">
        <dt>Assistant id</dt><dd><code>{a.assistant_id}</code></dd>
        <dt>Version</dt><dd>{a.version}</dd>
        <dt>Config</dt><dd><pre>{JSON.stringify(a.config, null, 2)}</pre></dd>
      </dl>
    </section>
  )
}
