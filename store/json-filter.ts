import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'
import { AppError } from './app-error.js'
import type { Dialect } from './dialect.js'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function pathOf(keys: string[]): string {
  for (const k of keys) {
    if (k.includes('"')) throw new AppError('VALIDATION', `filter keys may not contain a double quote: ${JSON.stringify(k)}`)
  }
  return `$${keys.map((k) => `."${k}"`).join('')}`
}

/** One leaf of the filter: the JSON at `path` equals `value` (types compared as JSON, not as SQL). */
function leaf(column: Expression<unknown>, path: string, value: unknown): RawBuilder<SqlBool> {
  const type = sql`json_type(${column}, ${path})`
  if (value === null) return sql<SqlBool>`${type} = 'null'`
  if (typeof value === 'boolean') return sql<SqlBool>`${type} = ${value ? 'true' : 'false'}`
  if (typeof value === 'number') return sql<SqlBool>`(${type} in ('integer', 'real') and json_extract(${column}, ${path}) = ${value})`
  if (typeof value === 'string') return sql<SqlBool>`(${type} = 'text' and json_extract(${column}, ${path}) = ${value})`
  if (Array.isArray(value)) return sql<SqlBool>`(${type} = 'array' and json_extract(${column}, ${path}) = json(${JSON.stringify(value)}))`
  throw new AppError('VALIDATION', `unsupported filter value at ${path}`)
}

/** The same leaf on Postgres: the text column read as jsonb, compared as jsonb (so 1 = 1.0, as in SQLite). */
function pgLeaf(column: Expression<unknown>, keys: string[], value: unknown): RawBuilder<SqlBool> {
  pathOf(keys) // the same keys are refused on both engines
  const at = sql`((${column})::jsonb #> ${keys}::text[])`
  if (value === null) return sql<SqlBool>`jsonb_typeof(${at}) = 'null'`
  if (['boolean', 'number', 'string'].includes(typeof value) || Array.isArray(value)) return sql<SqlBool>`${at} = ${JSON.stringify(value)}::jsonb`
  throw new AppError('VALIDATION', `unsupported filter value at ${pathOf(keys)}`)
}

function conditions(column: Expression<unknown>, filter: Record<string, unknown>, prefix: string[], dialect: Dialect): RawBuilder<SqlBool>[] {
  const out: RawBuilder<SqlBool>[] = []
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined) continue
    const keys = [...prefix, k]
    if (isPlainObject(v)) {
      const inner = conditions(column, v, keys, dialect)
      const object = dialect === 'postgres'
        ? sql<SqlBool>`jsonb_typeof((${column})::jsonb #> ${keys}::text[]) = 'object'`
        : sql<SqlBool>`json_type(${column}, ${pathOf(keys)}) = 'object'`
      out.push(...(inner.length > 0 ? inner : [object]))
    } else {
      out.push(dialect === 'postgres' ? pgLeaf(column, keys, v) : leaf(column, pathOf(keys), v))
    }
  }
  return out
}

/**
 * A SQL condition that holds when the JSON object in `column` contains `filter`: every key of the filter is
 * present with an equal value; nested objects are matched key by key (like Postgres `@>` on objects,
 * arrays compared whole). An empty filter matches everything. `dialect`: the SQL of `dialectOf(db)`.
 *
 * @example
 * db.selectFrom('threads').selectAll().where(jsonContains(sql.ref('metadata'), { user: { id: 7 } }))
 */
export function jsonContains(column: Expression<unknown>, filter: Record<string, unknown>, dialect: Dialect = 'sqlite'): RawBuilder<SqlBool> {
  const all = conditions(column, filter, [], dialect)
  return all.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(all, sql` and `)})`
}
