import type { DocMetadata, ExtractedDoc, Extraction } from './extract-text.js'

/** Which fields of a JSON record hold its text, title and id: the first present, non-empty one wins. */
export interface JsonFields {
  text: readonly string[]
  title: readonly string[]
  id: readonly string[]
}

/** `text`/`content`/`body`; `title`/`name`; `id`/`_id` (BEIR's `corpus.jsonl` reads as is). */
export const DEFAULT_JSON_FIELDS: JsonFields = Object.freeze({
  text: ['text', 'content', 'body'],
  title: ['title', 'name'],
  id: ['id', '_id'],
})

const MAX_DEPTH = 3

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Scalars of a record as metadata: nested objects flattened to `parent.child` (3 levels), arrays
 * dropped, `skip` (the fields used for text, title and id) left out.
 */
export function scalarFields(obj: Record<string, unknown>, skip: ReadonlySet<string> = new Set(), prefix = '', depth = 0): DocMetadata {
  const out: DocMetadata = {}
  for (const [k, v] of Object.entries(obj)) {
    if (depth === 0 && skip.has(k)) continue
    const key = prefix + k
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[key] = v
    else if (isObject(v) && depth < MAX_DEPTH - 1) Object.assign(out, scalarFields(v, skip, `${key}.`, depth + 1))
  }
  return out
}

const pick = (obj: Record<string, unknown>, names: readonly string[]) => {
  for (const n of names) {
    const v = obj[n]
    if ((typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v))) return { name: n, value: String(v) }
  }
  return undefined
}

/**
 * One record as a document, or the reason it is not one. `position` (jsonl line or json index) keys
 * a record without an id field.
 */
export function recordToDoc(record: unknown, position: number, fields: JsonFields = DEFAULT_JSON_FIELDS): ExtractedDoc | string {
  if (!isObject(record)) return `expected an object, got ${Array.isArray(record) ? 'an array' : record === null ? 'null' : typeof record}`
  const text = pick(record, fields.text)
  if (!text) return `no text field (looked for ${fields.text.join(', ')})`
  const title = pick(record, fields.title)
  const id = pick(record, fields.id)
  const skip = new Set([text.name, ...(title ? [title.name] : []), ...(id ? [id.name] : [])])
  const metadata = scalarFields(record, skip)
  if (id) metadata.id = id.value
  return { key: id?.value ?? String(position), title: title?.value, text: text.value, metadata, format: 'text' }
}

/**
 * A `.json` file: one object (one document) or an array of objects (one each, keyed by id or
 * index). Invalid JSON fails the whole file; a bad element is reported with its index.
 */
export function extractJson(source: string, fields: JsonFields = DEFAULT_JSON_FIELDS): Extraction {
  let parsed: unknown
  try {
    parsed = JSON.parse(source)
  } catch (e) {
    return { docs: [], problems: [{ reason: `invalid JSON: ${(e as Error).message}` }] }
  }
  const records = Array.isArray(parsed) ? parsed : [parsed]
  const out: Extraction = { docs: [], problems: [] }
  records.forEach((r, i) => {
    const doc = recordToDoc(r, i, fields)
    if (typeof doc === 'string') out.problems.push({ line: i, reason: doc })
    else out.docs.push({ ...doc, line: i })
  })
  return out
}

/** A `.jsonl` file: one object per line (blank lines ignored); a bad line is reported with its 1-based number, the rest kept. */
export function extractJsonl(source: string, fields: JsonFields = DEFAULT_JSON_FIELDS): Extraction {
  const out: Extraction = { docs: [], problems: [] }
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (e) {
      out.problems.push({ line: i + 1, reason: `invalid JSON: ${(e as Error).message}` })
      return
    }
    const doc = recordToDoc(parsed, i + 1, fields)
    if (typeof doc === 'string') out.problems.push({ line: i + 1, reason: doc })
    else out.docs.push({ ...doc, line: i + 1 })
  })
  return out
}
