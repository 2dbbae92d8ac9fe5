import { isDict } from './live-events.js'

/** The part of JSON Schema the forms draw (the `/assistants/{id}/schemas` input schemas, artifact shapes). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  description?: string
  title?: string
  default?: unknown
  minLength?: number
  maxLength?: number
  anyOf?: JsonSchema[]
}

/** The one type a field is edited as (`['string','null']` → string; unknown → json). */
export function fieldType(s: JsonSchema | undefined): 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'enum' | 'json' {
  if (!s) return 'json'
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === 'string')) return 'enum'
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') return t
  if (t === 'object' && s.properties) return 'object'
  if (t === 'array' && s.items) return 'array'
  return 'json'
}

/** An empty value of a schema (what a new form or a new array item starts with). */
export function emptyOf(s: JsonSchema | undefined): unknown {
  if (s?.default !== undefined) return s.default
  switch (fieldType(s)) {
    case 'string': return ''
    case 'number': case 'integer': return 0
    case 'boolean': return false
    case 'enum': return s!.enum![0]
    case 'array': return []
    case 'object': return Object.fromEntries(Object.entries(s!.properties!).filter(([k]) => s!.required?.includes(k)).map(([k, p]) => [k, emptyOf(p)]))
    default: return null
  }
}

/** A schema that describes `value` (an artifact with no schema of its own: the form edits what is there). */
export function inferSchema(value: unknown): JsonSchema {
  if (typeof value === 'string') return { type: 'string' }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' }
  if (typeof value === 'boolean') return { type: 'boolean' }
  if (Array.isArray(value)) return { type: 'array', items: value.length > 0 ? inferSchema(value[0]) : { type: 'string' } }
  if (isDict(value)) return { type: 'object', properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inferSchema(v)])), required: Object.keys(value) }
  return {}
}

const FIELD_TYPES: Record<string, JsonSchema> = {
  string: { type: 'string' }, number: { type: 'number' }, integer: { type: 'integer' }, boolean: { type: 'boolean' },
  'string[]': { type: 'array', items: { type: 'string' } }, 'number[]': { type: 'array', items: { type: 'number' } },
  object: { type: 'object' }, array: { type: 'array' },
}

/** A YAML human step's `schema` (`{ field: 'string' | 'number' | 'string[]?' … }`) as a JSON Schema. */
export function fieldsToSchema(fields: Record<string, string>): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const [k, t] of Object.entries(fields)) {
    properties[k] = FIELD_TYPES[t.replace(/\?$/, '')] ?? {}
    if (!t.endsWith('?')) required.push(k)
  }
  return { type: 'object', properties, required }
}
