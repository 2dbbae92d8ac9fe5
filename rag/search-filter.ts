import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { z } from 'zod'
import { AppError } from '../store/app-error.js'
import type { Dialect } from '../store/dialect.js'
import { ragTenant } from './rag-tenant.js'

/** A metadata value a filter can ask for. */
export type MetadataValue = string | number | boolean

/**
 * Which documents a search may return. Every given field must hold (AND); a list means "any of"
 * (OR). `source` is the document's stored source, compared exactly. `metadata` matches keys of the
 * document's `metadata` JSON object: a document matches `{ key: v }` when its value at `key` equals
 * `v` with the same JSON type (`'1'` is not `1`) or is an array containing `v`; a missing key, or a
 * document without metadata, never matches.
 */
export interface SearchFilter {
  collection?: string | string[]
  source?: string | string[]
  metadata?: Record<string, MetadataValue | MetadataValue[]>
}

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)])
const Scalar = z.union([z.string(), z.number(), z.boolean()])

/** The zod schema of a {@link SearchFilter}, for the HTTP and CLI edges. */
export const SearchFilterSchema = z.strictObject({
  collection: oneOrMany(z.string().min(1)).optional(),
  source: oneOrMany(z.string().min(1)).optional(),
  metadata: z.record(z.string().min(1).refine((k) => !k.includes('"'), 'a metadata key may not contain "'), oneOrMany(Scalar)).optional(),
})

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v])
const FALSE = sql<SqlBool>`1 = 0`

function anyOf(column: string, values: string[]): RawBuilder<SqlBool> {
  if (values.length === 0) return FALSE
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`
}

/** A match of one JSON element row of `json_each` (columns `type`, `value`) against `v`. */
function elementIs(v: MetadataValue): RawBuilder<SqlBool> {
  if (typeof v === 'boolean') return sql<SqlBool>`j.type = ${v ? 'true' : 'false'}`
  if (typeof v === 'number') return sql<SqlBool>`(j.type in ('integer', 'real') and j.value = ${v})`
  return sql<SqlBool>`(j.type = 'text' and j.value = ${v})`
}

function metadataHas(column: string, key: string, values: MetadataValue[], dialect: Dialect): RawBuilder<SqlBool> {
  if (key.includes('"')) throw new AppError('VALIDATION', `a metadata key may not contain a double quote: ${JSON.stringify(key)}`)
  if (values.length === 0) return FALSE
  if (dialect === 'postgres') {
    // jsonb `@>` with a scalar on the right: true for an equal scalar of the same type, and for a top-level
    // array holding it — the two cases SQLite's json_each test covers
    const at = sql`(${sql.ref(column)}::jsonb -> ${key})`
    return sql<SqlBool>`(${sql.join(values.map((v) => sql`${at} @> ${JSON.stringify(v)}::jsonb`), sql` or `)})`
  }
  // json_each over a scalar yields that scalar, over an array its elements: one test covers both
  return sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}, ${`$."${key}"`}) as j
    where ${sql.join(values.map(elementIs), sql` or `)})`
}

/**
 * The SQL condition of `filter` over a `rag_documents` row aliased `alias` (default `d`), always
 * restricted to the caller's tenant (`ragTenant`), in the SQL of `dialect` (`dialectOf(db)`). Applied in
 * the same statement as the ranking, so a filtered search returns the best `k` among the matching
 * documents, never fewer because better non-matching ones were cut first.
 *
 * @example
 * q.where(filterCondition({ collection: 'docs', metadata: { lang: ['en', 'de'] } }))
 */
export function filterCondition(filter: SearchFilter | undefined, alias = 'd', dialect: Dialect = 'sqlite'): RawBuilder<SqlBool> {
  // whatever the filter says, a search sees its own tenant's documents only
  const parts: RawBuilder<SqlBool>[] = [sql<SqlBool>`${sql.ref(`${alias}.tenant`)} = ${ragTenant()}`]
  if (filter === undefined) return parts[0]!
  if (filter.collection !== undefined) parts.push(anyOf(`${alias}.collection`, list(filter.collection)))
  if (filter.source !== undefined) parts.push(anyOf(`${alias}.source`, list(filter.source)))
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    parts.push(metadataHas(`${alias}.metadata`, key, list(value), dialect))
  }
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`
}

/** True when `filter` restricts anything. */
export const isFiltered = (filter: SearchFilter | undefined): boolean =>
  filter !== undefined && (filter.collection !== undefined || filter.source !== undefined || Object.keys(filter.metadata ?? {}).length > 0)
