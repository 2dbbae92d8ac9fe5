import { useId, useState } from 'react'
import { isDict } from './live-events.js'
import type { LiveInterrupt } from './live-reducer.js'
import { fieldsToSchema, inferSchema, type JsonSchema } from './json-schema.js'
import { SchemaForm } from './schema-form.js'

/** How an interrupt is answered: an approval gate (sdlc), a YAML human step, or any JSON value. */
export type InterruptShape =
  | { kind: 'gate'; actions: string[]; artifact: unknown; schema: JsonSchema; title: string; refused?: string }
  | { kind: 'human'; actions: string[]; prompt: string; schema?: JsonSchema; title: string; refused?: string }
  | { kind: 'json'; title: string }

/** Reads an interrupt's payload: the built-in graphs' approval gates and YAML human steps get their own form. */
export function shapeOf(payload: unknown): InterruptShape {
  if (!isDict(payload)) return { kind: 'json', title: 'The graph asks for a value' }
  const actions = Array.isArray(payload.actions) ? payload.actions.filter((a): a is string => typeof a === 'string') : []
  const refused = typeof payload.error === 'string' ? payload.error : undefined
  if (payload.kind === 'approval' && actions.length > 0) {
    const schema = isDict(payload.artifact_schema) ? (payload.artifact_schema as JsonSchema) : inferSchema(payload.artifact)
    return { kind: 'gate', actions, artifact: payload.artifact, schema, title: `Approve the ${String(payload.phase ?? 'phase')} artifact (attempt ${String(payload.attempt ?? 1)})`, ...(refused ? { refused } : {}) }
  }
  if (payload.type === 'human' && actions.length > 0) {
    const schema = isDict(payload.schema) ? fieldsToSchema(payload.schema as Record<string, string>) : undefined
    return { kind: 'human', actions, prompt: String(payload.prompt ?? ''), title: `Step ${String(payload.step ?? '')}`, ...(schema ? { schema } : {}), ...(refused ? { refused } : {}) }
  }
  return { kind: 'json', title: 'The graph asks for a value' }
}

export interface InterruptCardProps {
  interrupt: LiveInterrupt
  /** Sends the resume value; rejects with the server's refusal (shown on the card). */
  respond(response: unknown): Promise<void>
}

/** A pending interrupt at its node: its payload and the answers it takes (approve, reject with a reason, amend, a JSON value). */
export function InterruptCard({ interrupt, respond }: InterruptCardProps) {
  const shape = shapeOf(interrupt.payload)
  const reasonId = useId()
  const [mode, setMode] = useState<'none' | 'reject' | 'amend' | 'value'>(shape.kind === 'json' ? 'value' : 'none')
  const [reason, setReason] = useState('')
  const initialAmend = shape.kind === 'gate' ? shape.artifact : {}
  const [amended, setAmended] = useState<unknown>(() => structuredClone(initialAmend ?? {}))
  const [value, setValue] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState<string>()
  const send = (response: unknown) => {
    setBusy(true)
    setFailed(undefined)
    respond(response).catch((e: unknown) => { setFailed((e as Error).message); setBusy(false) })
  }
  const refused = shape.kind !== 'json' ? shape.refused : undefined
  const has = (a: string) => shape.kind !== 'json' && shape.actions.includes(a)
  const payloadOf = (action: string, extra: Record<string, unknown> = {}) => ({ action, ...extra })
  return (
    <section className="interrupt-card" aria-label={`Interrupt at ${interrupt.node ?? 'the graph'}`} data-testid="interrupt" data-interrupt-id={interrupt.id} data-node={interrupt.node ?? ''}>
      <h3>{shape.title} {interrupt.node ? <small>at <code>{interrupt.node}</code></small> : null}</h3>
      {refused ? <p className="refused" role="alert" data-testid="refused"><strong>The server refused the last answer:</strong> {refused}</p> : null}
      {failed ? <p className="refused" role="alert" data-testid="respond-error"><strong>Not sent:</strong> {failed}</p> : null}
      {shape.kind === 'human' && shape.prompt ? <p className="prompt">{shape.prompt}</p> : null}
      <details open={shape.kind !== 'gate'}>
        <summary>Payload</summary>
        <pre data-testid="interrupt-payload">{JSON.stringify(interrupt.payload, null, 2)}</pre>
      </details>
      {shape.kind !== 'json' ? (
        <div className="row actions" role="group" aria-label="Answer">
          {has('approve') ? <button type="button" className="primary" disabled={busy} onClick={() => send(payloadOf('approve'))}>Approve</button> : null}
          {has('reject') ? <button type="button" disabled={busy} aria-expanded={mode === 'reject'} onClick={() => setMode(mode === 'reject' ? 'none' : 'reject')}>Reject…</button> : null}
          {has('amend') ? <button type="button" disabled={busy} aria-expanded={mode === 'amend'} onClick={() => setMode(mode === 'amend' ? 'none' : 'amend')}>Amend…</button> : null}
          {has('value') ? <button type="button" disabled={busy} aria-expanded={mode === 'value'} onClick={() => setMode(mode === 'value' ? 'none' : 'value')}>Enter a value…</button> : null}
        </div>
      ) : null}
      {mode === 'reject' ? (
        <form className="answer-form" onSubmit={(e) => { e.preventDefault(); send(payloadOf('reject', { reason })) }}>
          <label htmlFor={reasonId}>Reason for the rejection</label>
          <textarea id={reasonId} rows={2} value={reason} required autoFocus onChange={(e) => setReason(e.target.value)} />
          <div className="row"><button type="submit" disabled={busy || reason.trim() === ''}>Reject with this reason</button></div>
        </form>
      ) : null}
      {mode === 'amend' ? (
        <form className="answer-form" onSubmit={(e) => { e.preventDefault(); send(shape.kind === 'gate' ? payloadOf('amend', { artifact: amended }) : payloadOf('amend', { value: amended })) }}>
          <SchemaForm schema={shape.kind === 'gate' ? shape.schema : shape.kind === 'human' ? shape.schema : undefined} value={amended} onChange={setAmended} label="Amended artifact" />
          <div className="row"><button type="submit" disabled={busy}>Send the amended artifact</button></div>
        </form>
      ) : null}
      {mode === 'value' ? (
        <form className="answer-form" onSubmit={(e) => { e.preventDefault(); send(shape.kind === 'human' ? payloadOf('value', { value }) : value) }}>
          <SchemaForm schema={shape.kind === 'human' ? shape.schema : undefined} value={value} onChange={setValue} label="Resume value" />
          <div className="row"><button type="submit" disabled={busy}>Resume with this value</button></div>
        </form>
      ) : null}
    </section>
  )
}
