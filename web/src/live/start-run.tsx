import { useState } from 'react'
import './live.css'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { ErrorPanel } from '../components/error-panel.js'
import { useSettings } from '../stores/settings-store.js'
import { emptyOf, type JsonSchema } from './json-schema.js'
import { connectionOf } from './live-store.js'
import { oneCommand } from './live-connection.js'
import { SchemaForm } from './schema-form.js'

export interface StartRunProps {
  assistantId: string
  /** Run on this thread (followed live by its page); without it, a new thread is created. */
  threadId?: string
  /** Called with the thread and run once the server accepted the run. */
  onStarted?(threadId: string, runId: string): void
  /** Collapsed behind a button (a thread page's follow-up run). */
  compact?: boolean
}

/**
 * A run's input: a form drawn from the assistant's input schema (`/assistants/{id}/schemas`) beside the raw
 * JSON. Submitting sends protocol v2 `run.start` (on the thread's live connection, or on a new thread);
 * the server's refusal (an invalid input, a busy thread) is shown under the form.
 */
export function StartRun({ assistantId, threadId, onStarted, compact }: StartRunProps) {
  const schemas = useResource(`schemas:${assistantId}`, () => call((c) => c.assistants.getSchemas(assistantId)))
  const schema = schemas.data?.input_schema as JsonSchema | undefined
  const [value, setValue] = useState<unknown>()
  const [open, setOpen] = useState(!compact)
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState<string>()
  const input = value === undefined ? (schema ? emptyOf(schema) : {}) : value
  if (compact && !open) return <button type="button" onClick={() => setOpen(true)}>New run on this thread…</button>
  const submit = async () => {
    setBusy(true)
    setFailed(undefined)
    try {
      const params = { assistant_id: assistantId, input }
      const conn = threadId ? connectionOf(threadId) : undefined
      const target = threadId ?? crypto.randomUUID()
      const { apiUrl, apiKey } = useSettings.getState()
      const answer = conn ? await conn.send('run.start', params) : await oneCommand({ apiUrl, apiKey: apiKey || undefined, threadId: target }, 'run.start', params)
      onStarted?.(target, String(answer.result.run_id ?? ''))
      if (compact) setOpen(false)
    } catch (e) {
      setFailed((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="panel start-run" aria-labelledby={`start-${assistantId}`}>
      <h2 id={`start-${assistantId}`}>{threadId ? 'New run on this thread' : 'Start a run'}</h2>
      {schemas.error ? <ErrorPanel error={schemas.error} what="the input schema" onRetry={schemas.reload} /> : null}
      <form onSubmit={(e) => { e.preventDefault(); void submit() }}>
        {schemas.loading && !schemas.data ? <p className="loading">Loading the input schema…</p> : (
          <SchemaForm key={schemas.data ? 'schema' : 'none'} schema={schema} value={input} onChange={setValue} label="Run input" />
        )}
        {failed ? <p role="alert" className="refused" data-testid="start-error"><strong>The server refused the run:</strong> {failed}</p> : null}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Starting…' : 'Start run'}</button>
          {compact ? <button type="button" onClick={() => setOpen(false)}>Close</button> : null}
        </div>
      </form>
    </section>
  )
}
