/** A JSON Schema node, loosely typed: tool schemas arrive zod-derived or hand-written. */
export type JsonSchema = Record<string, unknown>

/** One numbered search result (`[n] title (source)` + chunk); `sentence` is its text's first sentence. */
export interface NumberedResult { n: number; title: string; sentence: string }

/** What the offline model knows: the task (last human message) and the `search_docs` results since. */
export interface ArgContext { task: string; results: NumberedResult[] }

/** Every text the offline model produces starts with this. */
export const OFFLINE_PREFIX = '[offline model]'
const ANSWER_LIKE = /answer|summary|report|content|draft/i
const CITATION_LIKE = /cit(e|ed|ation|ations)$|^cited|sources?$/i
const MAX_DEPTH = 8

/** Collapses whitespace and cuts `text` at a word boundary near `max` characters. */
export function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`
}

/** Quotes the first sentence of each result followed by its `[n]` marker, so answers cite real sources. */
export function quoteResults(results: NumberedResult[]): string {
  return results.map((r) => `"${r.sentence}" [${r.n}]`).join(' ')
}

/** An answer made only of quoted search results. */
export function composeFromResults(results: NumberedResult[]): string {
  return `${OFFLINE_PREFIX} Based on the retrieved documents: ${quoteResults(results)}`
}

/**
 * Deterministic arguments for a tool from its JSON Schema: enums take their first option,
 * strings carry `[offline model] <field>: <task>`, answer-like strings quote the search results,
 * citation arrays list the `[n]` numbers seen in them.
 *
 * @example offlineArgs({ type: 'object', properties: { q: { type: 'string' } } }, { task: 'x', results: [] })
 */
export function offlineArgs(schema: JsonSchema, ctx: ArgContext): unknown {
  return sample(schema, { name: 'value', depth: 0 }, { ...ctx, root: schema })
}

type Ctx = ArgContext & { root: JsonSchema }
/** The field being filled: its name (for text and citation detection) and nesting depth. */
type Field = { name: string; depth: number }
const inner = (f: Field, name = f.name): Field => ({ name, depth: f.depth + 1 })

function sample(node: JsonSchema, field: Field, ctx: Ctx): unknown {
  if (field.depth > MAX_DEPTH) return null
  const ref = typeof node.$ref === 'string' ? resolveRef(ctx.root, node.$ref) : undefined
  if (ref) return sample(ref, inner(field), ctx)
  if ('const' in node) return node.const
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0]
  const union = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined
  if (Array.isArray(union)) {
    const pick = union.find((s) => s.type !== 'null') ?? union[0]
    return pick ? sample(pick, inner(field), ctx) : null
  }
  if (Array.isArray(node.allOf)) return sample(mergeAll(node.allOf as JsonSchema[]), inner(field), ctx)
  switch (typeOf(node)) {
    case 'object': {
      const props = (node.properties ?? {}) as Record<string, JsonSchema>
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, sample(s, inner(field, k), ctx)]))
    }
    case 'array':
      return sampleArray(node, field, ctx)
    case 'number':
    case 'integer':
      return sampleNumber(node)
    case 'boolean': return true
    case 'null': return null
    default:
      return sampleString(node, field.name, ctx)
  }
}

function sampleArray(node: JsonSchema, field: Field, ctx: Ctx): unknown[] {
  const items = (node.items ?? {}) as JsonSchema
  const min = typeof node.minItems === 'number' ? node.minItems : 0
  const max = typeof node.maxItems === 'number' ? node.maxItems : Infinity
  const kind = typeOf(items)
  const numeric = kind === 'number' || kind === 'integer'
  if (CITATION_LIKE.test(field.name)) {
    // without search results there is nothing to cite: an empty list unless the schema demands more
    const cited = numeric ? ctx.results.map((r) => r.n) : ctx.results.map((r) => `[${r.n}] ${r.title}`)
    if (cited.length >= min) return cited.slice(0, max)
    if (numeric) return Array.from({ length: min }, (_, i) => i + 1)
  }
  const count = Math.min(Math.max(min, 1), max)
  return Array.from({ length: count }, () => sample(items, inner(field), ctx))
}

function sampleNumber(node: JsonSchema): number {
  const num = (k: string) => (typeof node[k] === 'number' ? (node[k] as number) : undefined)
  let value = 1
  const min = num('minimum')
  const exMin = num('exclusiveMinimum')
  if (min !== undefined && value < min) value = min
  if (exMin !== undefined && value <= exMin) value = exMin + 1
  const max = num('maximum')
  const exMax = num('exclusiveMaximum')
  if (max !== undefined && value > max) value = max
  if (exMax !== undefined && value >= exMax) value = exMax - (typeOf(node) === 'integer' ? 1 : 0.5)
  return typeOf(node) === 'integer' ? Math.ceil(value) : value
}

const FORMATS: Record<string, string> = {
  uri: 'offline://switchyard', url: 'offline://switchyard', email: 'offline@example.com',
  'date-time': '1970-01-01T00:00:00.000Z', date: '1970-01-01', time: '00:00:00',
  uuid: '00000000-0000-4000-8000-000000000000',
}

function sampleString(node: JsonSchema, name: string, ctx: Ctx): string {
  const format = typeof node.format === 'string' ? FORMATS[node.format] : undefined
  let text = format
    ?? (ANSWER_LIKE.test(name) && ctx.results.length > 0
      ? composeFromResults(ctx.results)
      : `${OFFLINE_PREFIX} ${name}: ${shorten(ctx.task) || 'no task given'}`)
  if (typeof node.maxLength === 'number') text = text.slice(0, node.maxLength)
  if (typeof node.minLength === 'number') text = text.padEnd(node.minLength, '.')
  return text
}

function typeOf(node: JsonSchema): string {
  const t = Array.isArray(node.type) ? node.type.find((x) => x !== 'null') : node.type
  if (typeof t === 'string') return t
  if (node.properties) return 'object'
  if (node.items) return 'array'
  return 'string'
}

function mergeAll(parts: JsonSchema[]): JsonSchema {
  const properties = Object.assign({}, ...parts.map((p) => p.properties ?? {})) as JsonSchema
  return Object.assign({}, ...parts, Object.keys(properties).length > 0 ? { properties } : {}) as JsonSchema
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : undefined
}
