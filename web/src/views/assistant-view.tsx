import { useEffect } from 'react'
import { useLocation, useParams, useSearchParams } from 'wouter'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import { paths } from '../app/paths.js'
import { StartRun } from '../live/start-run.js'
import type { GraphJson } from '../graph/graph-model.js'
import { warmLayout } from '../graph/layout-engine.js'
import { ThreadGraph } from './thread-graph.js'
import { WorkflowSource } from './workflow-source.js'

/** One assistant: its graph (xray: subgraphs as groups), the YAML source beside a workflow's, its config. */
export function AssistantView() {
  const { assistantId = '' } = useParams<{ assistantId: string }>()
  const [search] = useSearchParams()
  const threadId = search.get('thread') ?? undefined
  const [, navigate] = useLocation()
  useEffect(warmLayout, [])
  const assistant = useResource(`assistant:${assistantId}`, () => call((c) => c.assistants.get(assistantId)))
  const graph = useResource(`graph:${assistantId}`, () => call((c) => c.assistants.getGraph(assistantId, { xray: true })) as Promise<unknown> as Promise<GraphJson>)
  if (assistant.error) return <ErrorPanel error={assistant.error} what={`assistant ${assistantId}`} onRetry={assistant.reload} />
  if (!assistant.data) return <Loading what={`assistant ${assistantId}`} />
  const a = assistant.data
  return (
    <>
      <section className="panel" aria-labelledby="assistant-title">
        <h1 id="assistant-title">{a.name} <small><code>{a.graph_id}</code></small></h1>
        {a.description ? <p className="description">{a.description}</p> : null}
      </section>
      <div className="graph-and-source">
        <section className="panel graph-panel" aria-label="Graph">
          {graph.error ? <ErrorPanel error={graph.error} what={`the graph of ${a.name}`} onRetry={graph.reload} /> : null}
          {graph.data ? <ThreadGraph graph={graph.data} threadId={threadId} label={`graph ${a.graph_id}`} /> : !graph.error ? <Loading what="the graph" /> : null}
        </section>
        <WorkflowSource graphId={a.graph_id} />
      </div>
      <StartRun assistantId={a.assistant_id} onStarted={(tid) => navigate(paths.thread(tid))} />
      <section className="panel" aria-labelledby="config-title">
        <h2 id="config-title">Configuration</h2>
        <dl className="facts">
          <dt>Assistant id</dt><dd><code>{a.assistant_id}</code></dd>
          <dt>Version</dt><dd>{a.version}</dd>
          <dt>Config</dt><dd><pre>{JSON.stringify(a.config, null, 2)}</pre></dd>
        </dl>
      </section>
    </>
  )
}
