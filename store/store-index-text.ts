import { createHash } from 'node:crypto'
import { AppError } from './app-error.js'
import { textsAtPath, tokenizeIndexPath } from './store-index-path.js'

/** How a put asks its item to be indexed: `false` not at all, a list of paths, or null for the store's default. */
export type IndexFields = false | string[] | null

/** The default fields, as in LangGraph's stores: `$` embeds the whole value (its JSON). */
export const DEFAULT_INDEX_FIELDS: readonly string[] = ['$']

/** One text an item contributes to the index: `field` names where it came from, `sha` its content. */
export interface IndexedText { field: string; text: string; sha: string }

const MAX_PATH = 256

/**
 * Checks an index path as LangGraph reads it (`title`, `meta.title`, `chapters[*].content`,
 * `authors[0]`, `{title,summary}`, `$`): non-empty, bounded, brackets and braces balanced.
 *
 * @throws AppError `VALIDATION` naming the path.
 */
export function checkIndexPath(path: string): void {
  let depth = 0
  for (const ch of path) {
    if (ch === '[' || ch === '{') depth += 1
    if (ch === ']' || ch === '}') depth -= 1
    if (depth < 0) break
  }
  if (path.trim() === '' || path.length > MAX_PATH || depth !== 0 || tokenizeIndexPath(path).length === 0) {
    throw new AppError('VALIDATION', `invalid index path ${JSON.stringify(path)}`, { details: { path } })
  }
}

/**
 * The texts `value` gives the index at `fields` (LangGraph's path rules, see {@link textsAtPath}: `$` is the whole
 * value as JSON, a string field its text, an object or array its JSON). A path matching several
 * values (`tags[*]`) gives one text each, named `path.0`, `path.1`…, as LangGraph's InMemoryStore
 * names them. Blank texts are skipped (embedding endpoints refuse empty input).
 *
 * @example
 * indexedTexts({ title: 'Durable runs', tags: ['a', 'b'] }, ['title', 'tags[*]']).map((t) => t.field)
 * // ['title', 'tags[*].0', 'tags[*].1']
 */
export function indexedTexts(value: Record<string, unknown>, fields: readonly string[]): IndexedText[] {
  const out = new Map<string, IndexedText>()
  for (const path of fields) {
    const texts = textsAtPath(value, path)
    texts.forEach((text, i) => {
      const field = texts.length > 1 ? `${path}.${i}` : path
      if (text.trim() !== '') out.set(field, { field, text, sha: createHash('sha256').update(text).digest('hex') })
    })
  }
  return [...out.values()]
}

/** The `index_fields` column of an item put with `index`. */
export const encodeIndexFields = (index: IndexFields | undefined): string | null =>
  index === null || index === undefined ? null : JSON.stringify(index)

/** The paths `index` embeds: the default fields when null or absent, none (null) when false. */
export const indexPaths = (index: IndexFields | undefined): readonly string[] | null =>
  index === false ? null : (index ?? DEFAULT_INDEX_FIELDS)

/** The paths an item's `index_fields` column names: null when it is not indexed. */
export const fieldsOf = (column: string | null): readonly string[] | null =>
  indexPaths(column === null ? null : (JSON.parse(column) as IndexFields))

/** Packs a vector as sqlite-vec reads it (float32 little-endian). */
export function vectorBlob(vector: ArrayLike<number>): Buffer {
  const f = Float32Array.from(vector)
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength)
}
