/** The subset of JSON Schema a state schema uses (what `/assistants/{id}/schemas` answers as `state_schema`). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  anyOf?: JsonSchema[]
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)
const fits = (t: string, v: unknown) => t === typeOf(v) || (t === 'number' && typeof v === 'number')

/**
 * What is wrong with `value` under `schema` (empty when it fits): unknown keys where the schema closes
 * them, wrong types, values outside an enum, recursively with the path.
 */
export function checkAgainst(schema: JsonSchema | undefined, value: unknown, path = ''): string[] {
  if (!schema) return []
  const at = path || 'the state'
  if (schema.anyOf) return schema.anyOf.some((s) => checkAgainst(s, value, path).length === 0) ? [] : [`${at}: fits none of the allowed shapes`]
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.length && !types.some((t) => fits(t, value))) return [`${at}: expected ${types.join(' or ')}, got ${typeOf(value)}`]
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return [`${at}: expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`]
  const out: string[] = []
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k]
      if (sub) out.push(...checkAgainst(sub, v, path ? `${path}.${k}` : k))
      else if (schema.properties && schema.additionalProperties === false) out.push(`${path ? `${path}.` : ''}${k}: not a key of the state (${Object.keys(schema.properties).join(', ')})`)
      else if (typeof schema.additionalProperties === 'object') out.push(...checkAgainst(schema.additionalProperties, v, path ? `${path}.${k}` : k))
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...checkAgainst(schema.items, v, `${path}[${i}]`)))
  return out
}

/**
 * The edited state checked for a fork: it must be a JSON object whose keys are the state's (when the
 * schema lists them) with values of their declared types.
 */
export function checkForkValues(text: string, schema: JsonSchema | undefined): { value?: Record<string, unknown>; errors: string[] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { errors: [`not JSON: ${(e as Error).message}`] }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { errors: ['the state must be a JSON object'] }
  const known = schema?.properties ? Object.keys(schema.properties) : undefined
  const errors = Object.keys(value).filter((k) => known && !known.includes(k)).map((k) => `${k}: not a key of the state (${known!.join(', ')})`)
  const rest = checkAgainst({ ...schema, additionalProperties: true }, value).filter((e) => !errors.some((x) => x.startsWith(`${e.split(':')[0]}:`)))
  return { value: value as Record<string, unknown>, errors: [...errors, ...rest] }
}
