import { useEffect, useId, useState } from 'react'
import { emptyOf, fieldType, type JsonSchema } from './json-schema.js'

interface FieldProps { schema: JsonSchema; value: unknown; onChange(v: unknown): void; label: string; path: string }

/** A JSON value in a textarea (a field the form cannot draw): kept as text until it parses. */
function JsonField({ value, onChange, label, path }: Omit<FieldProps, 'schema'>) {
  const id = useId()
  const [text, setText] = useState(() => JSON.stringify(value ?? null, null, 2))
  const [bad, setBad] = useState<string>()
  return (
    <div className="form-field">
      <label htmlFor={id}>{label} <small>(JSON)</small></label>
      <textarea id={id} data-path={path} rows={3} value={text} aria-invalid={bad ? true : undefined}
        onChange={(e) => {
          setText(e.target.value)
          try { onChange(JSON.parse(e.target.value)); setBad(undefined) } catch (err) { setBad((err as Error).message) }
        }} />
      {bad ? <span className="field-error" role="alert">{bad}</span> : null}
    </div>
  )
}

/** One field of a form drawn from a JSON Schema: strings, numbers, booleans, enums, objects, arrays (add/remove). */
export function SchemaField({ schema, value, onChange, label, path }: FieldProps) {
  const id = useId()
  const t = fieldType(schema)
  const hint = schema.description ? <small className="field-hint">{schema.description}</small> : null
  switch (t) {
    case 'string': {
      const s = typeof value === 'string' ? value : ''
      return (
        <div className="form-field">
          <label htmlFor={id}>{label}</label>{hint}
          {s.length > 60 || label === 'task' ? <textarea id={id} data-path={path} rows={3} value={s} onChange={(e) => onChange(e.target.value)} />
            : <input id={id} data-path={path} value={s} onChange={(e) => onChange(e.target.value)} />}
        </div>
      )
    }
    case 'number': case 'integer':
      return (
        <div className="form-field">
          <label htmlFor={id}>{label}</label>{hint}
          <input id={id} data-path={path} type="number" step={t === 'integer' ? 1 : 'any'} value={typeof value === 'number' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
        </div>
      )
    case 'boolean':
      return (
        <div className="form-field form-check">
          <input id={id} data-path={path} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <label htmlFor={id}>{label}</label>{hint}
        </div>
      )
    case 'enum':
      return (
        <div className="form-field">
          <label htmlFor={id}>{label}</label>{hint}
          <select id={id} data-path={path} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
            {schema.enum!.map((v) => <option key={String(v)} value={String(v)}>{String(v)}</option>)}
          </select>
        </div>
      )
    case 'object': {
      const obj = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>
      return (
        <fieldset className="form-object" data-path={path}>
          <legend>{label}</legend>{hint}
          {Object.entries(schema.properties!).map(([k, p]) => (
            <SchemaField key={k} schema={p} label={`${k}${schema.required?.includes(k) ? '' : ' (optional)'}`} path={path ? `${path}.${k}` : k}
              value={obj[k]} onChange={(v) => {
                const next = { ...obj }
                if (v === undefined) delete next[k]
                else next[k] = v
                onChange(next)
              }} />
          ))}
        </fieldset>
      )
    }
    case 'array': {
      const list = Array.isArray(value) ? value : []
      return (
        <fieldset className="form-array" data-path={path}>
          <legend>{label}</legend>{hint}
          {list.map((item, i) => (
            <div className="form-array-item" key={i}>
              <SchemaField schema={schema.items!} label={`${label} ${i + 1}`} path={`${path}.${i}`} value={item}
                onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} />
              <button type="button" onClick={() => onChange(list.filter((_, j) => j !== i))} aria-label={`Remove ${label} ${i + 1}`}>Remove</button>
            </div>
          ))}
          <button type="button" onClick={() => onChange([...list, emptyOf(schema.items)])}>Add {label}</button>
        </fieldset>
      )
    }
    default:
      return <JsonField value={value} onChange={onChange} label={label} path={path} />
  }
}

export interface SchemaFormProps {
  schema: JsonSchema | undefined
  value: unknown
  onChange(v: unknown): void
  /** Accessible name of the whole editor (`Run input`). */
  label: string
}

/**
 * A value edited two ways at once: a form drawn from its JSON Schema and, beside it, the raw JSON; an edit
 * on either side shows on the other (the JSON side only once it parses; its parse error is shown).
 */
export function SchemaForm({ schema, value, onChange, label }: SchemaFormProps) {
  const jsonId = useId()
  const [text, setText] = useState(() => JSON.stringify(value, null, 2))
  const [bad, setBad] = useState<string>()
  // the form changed the value: the JSON side follows (unless the user is mid-edit with invalid JSON)
  useEffect(() => {
    if (bad) return
    setText((t) => {
      try { if (JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t } catch { /* replaced below */ }
      return JSON.stringify(value, null, 2)
    })
  }, [value, bad])
  const drawable = schema && fieldType(schema) !== 'json'
  return (
    <div className="schema-form" role="group" aria-label={label}>
      {drawable ? <div className="schema-form-fields"><SchemaField schema={schema} value={value} onChange={onChange} label={label} path="" /></div> : null}
      <div className="schema-form-json form-field">
        <label htmlFor={jsonId}>{label}: raw JSON</label>
        <textarea id={jsonId} className="json-editor" rows={drawable ? 8 : 6} spellCheck={false} value={text} aria-invalid={bad ? true : undefined} data-testid="raw-json"
          onChange={(e) => {
            setText(e.target.value)
            try { onChange(JSON.parse(e.target.value)); setBad(undefined) } catch (err) { setBad((err as Error).message) }
          }} />
        {bad ? <span className="field-error" role="alert">Not JSON: {bad}</span> : null}
      </div>
    </div>
  )
}
