import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely'

/**
 * The two engines the store runs on: `sqlite` (the embedded default, one file) and `postgres`
 * (`DATABASE_URL=postgres://…`, shared by any number of processes). The whole choice lives here:
 * {@link databaseTarget} decides from flags and environment, {@link dialectOf} tells code holding a
 * Kysely instance (or a transaction) which SQL it speaks.
 */
export type Dialect = 'sqlite' | 'postgres'

/** Where the store lives: a SQLite file (or `:memory:`), or a Postgres connection string. */
export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string }

const PG_URL = /^postgres(ql)?:\/\//i

/** Whether `s` is a Postgres connection string (`postgres://` or `postgresql://`). */
export const isPostgresUrl = (s: string | undefined): s is string => s !== undefined && PG_URL.test(s)

/**
 * The store a process opens: `--database-url`, else `DATABASE_URL`, when it is a Postgres URL;
 * otherwise the SQLite file of `--db`, else `SWITCHYARD_DB`, else `fallbackPath`. An explicit
 * `--database-url` that is not a Postgres URL is taken as a SQLite path, so one flag can name either.
 *
 * @example
 * databaseTarget({ env: { DATABASE_URL: 'postgres://127.0.0.1/app' }, fallbackPath: 'x.db' }) // { dialect: 'postgres', url: … }
 */
export function databaseTarget(o: { databaseUrl?: string; dbPath?: string; env: NodeJS.ProcessEnv; fallbackPath: string }): DatabaseTarget {
  const url = o.databaseUrl ?? (o.dbPath === undefined ? o.env.DATABASE_URL : undefined)
  if (isPostgresUrl(url)) return { dialect: 'postgres', url }
  if (o.databaseUrl !== undefined) return { dialect: 'sqlite', path: o.databaseUrl }
  return { dialect: 'sqlite', path: o.dbPath ?? o.env.SWITCHYARD_DB ?? o.fallbackPath }
}

/** Which SQL `db` speaks; works on a transaction too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
export const dialectOf = (db: Kysely<any>): Dialect => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite')

/** A connection string with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@')
  }
}

/** `needle` occurs in `column`, ignoring case (SQLite `instr`, Postgres `strpos`). */
export function containsIgnoringCase(dialect: Dialect, column: Expression<unknown>, needle: string): RawBuilder<SqlBool> {
  return dialect === 'postgres'
    ? sql<SqlBool>`strpos(lower(${column}), lower(${needle})) > 0`
    : sql<SqlBool>`instr(lower(${column}), lower(${needle})) > 0`
}
