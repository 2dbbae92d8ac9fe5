import { sql, type CreateTableBuilder, type Kysely, type RawBuilder } from 'kysely'
import { dialectOf } from '../dialect.js'

/**
 * What the migrations spell differently on each engine, so one migration set serves both: column
 * types (SQLite's `blob`, `integer`, `real` are Postgres's `bytea`, `bigint` — epoch-ms columns overflow
 * `integer` — and `double precision`), the ISO-8601 "now" default the text timestamps use, and
 * auto-incremented ids (`AUTOINCREMENT` / `bigserial`, both never reusing an id).
 */
export interface Ddl {
  pg: boolean
  blob: 'blob' | 'bytea'
  int: 'integer' | 'bigint'
  real: 'real' | 'double precision'
  /** The current time as `2026-01-02T03:04:05.678Z`, the format of every `*_at` text column. */
  now: RawBuilder<string>
  /** Adds `name` as an auto-incremented integer primary key. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  autoId<T extends CreateTableBuilder<any, any>>(t: T, name: string): T
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export function ddl(db: Kysely<any>): Ddl {
  const pg = dialectOf(db) === 'postgres'
  return {
    pg,
    blob: pg ? 'bytea' : 'blob',
    int: pg ? 'bigint' : 'integer',
    real: pg ? 'double precision' : 'real',
    now: pg
      ? sql<string>`(to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`
      : sql<string>`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
    autoId: (t, name) => (pg
      ? t.addColumn(name, 'bigserial', (c) => c.primaryKey())
      : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())) as typeof t,
  }
}
