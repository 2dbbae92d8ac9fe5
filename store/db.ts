import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, sql } from 'kysely'
import type pg from 'pg'
import type { DB } from './schema.js'
import { AppError } from './app-error.js'
import { isPostgresUrl } from './dialect.js'
import { MIGRATIONS, assertKnownMigrations, migrateToLatest } from './migrate.js'
import { pendingMigrations, withMigrationLock } from './migration-lock.js'
import { dedicatedClient, openPgPool, pgConfig } from './pg-db.js'
import { GatedSqliteDialect } from './sqlite-dialect.js'
import { trySqliteVec } from './sqlite-vec.js'
import { ensureDir } from './ensure-dir.js'

export { DEFAULT_DB_PATH } from './db-path.js'

export interface OpenDbOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean
  /** Postgres: connections in the pool (default `SWITCHYARD_PG_POOL` or 10). */
  poolSize?: number
}

/** The embedded default: one SQLite file, and the raw better-sqlite3 handle for the few places that need it (sqlite-vec, FTS5 bulk load). */
export interface OpenedSqlite {
  dialect: 'sqlite'
  db: Kysely<DB>
  sqlite: Database.Database
  path: string
  close(): Promise<void>
}

/** A Postgres database shared by any number of processes. */
export interface OpenedPostgres {
  dialect: 'postgres'
  db: Kysely<DB>
  /** No SQLite handle: what needs one (RAG search, sqlite-vec) refuses or falls back, see rag/rag-store.ts. */
  sqlite: undefined
  /** The connection string with its password masked. */
  path: string
  /** The connection string as given (with `?schema=` if any), for another process or a dedicated client. */
  url: string
  pool: pg.Pool
  /** A connection outside the pool, for LISTEN/NOTIFY or a session lock; the caller ends it. */
  connect(): Promise<pg.Client>
  close(): Promise<void>
}

export type OpenedDb = OpenedSqlite | OpenedPostgres

/**
 * Opens the store at `target`: a Postgres connection string (`postgres://…`, see store/dialect.ts
 * `databaseTarget`) or a SQLite file. Applies pending migrations unless `migrate: false`, after refusing a
 * database a newer version migrated (CONFLICT). An unreachable Postgres is an UPSTREAM error naming the
 * host, before anything is written.
 *
 * @example
 * const store = await openStore(process.env.DATABASE_URL ?? '.switchyard/switchyard.db')
 * if (store.dialect === 'sqlite') loadSqliteVec(store.sqlite)
 */
export async function openStore(target: string, opts: OpenDbOptions = {}): Promise<OpenedDb> {
  return isPostgresUrl(target) ? openPostgres(target, opts) : openSqlite(target, opts)
}

/**
 * Opens (creating if needed) the SQLite file at `path` in WAL mode and applies migrations; for what needs
 * SQLite itself (RAG's FTS5 and sqlite-vec, tools over a local file). `:memory:` works for unit tests.
 */
export async function openDb(path: string, opts: OpenDbOptions = {}): Promise<OpenedSqlite> {
  if (isPostgresUrl(path)) throw new AppError('VALIDATION', 'this needs a SQLite database file, not a Postgres URL')
  return openSqlite(path, opts)
}

/**
 * How long a SQLite statement waits for another process's write lock before failing with SQLITE_BUSY
 * (answered as BUSY, HTTP 503 + Retry-After): `SWITCHYARD_SQLITE_BUSY_MS`, default 5 s.
 */
export function sqliteBusyMsFrom(env: NodeJS.ProcessEnv): number {
  const v = env.SWITCHYARD_SQLITE_BUSY_MS
  if (v === undefined || v === '') return 5_000
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 600_000) throw new AppError('VALIDATION', `SWITCHYARD_SQLITE_BUSY_MS must be a whole number of ms from 0 to 600000, got "${v}"`)
  return n
}

async function openSqlite(path: string, opts: OpenDbOptions): Promise<OpenedSqlite> {
  if (path !== ':memory:') ensureDir(dirname(path))
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma(`busy_timeout = ${sqliteBusyMsFrom(process.env)}`)
  sqlite.pragma('foreign_keys = ON')
  // vector indexes are sqlite-vec virtual tables: without the extension the schema cannot be read
  trySqliteVec(sqlite)
  const db = new Kysely<DB>({ dialect: new GatedSqliteDialect(sqlite) })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await db.destroy()
  }
  if (opts.migrate !== false) {
    try {
      await assertKnownMigrations(db, path)
      // only a database with migrations to apply needs the cross-process lock (the common case is none)
      const names = Object.keys(MIGRATIONS)
      if (path === ':memory:') await migrateToLatest(db)
      else if (pendingMigrations(sqlite, names).length > 0) await withMigrationLock(path, () => migrateToLatest(db))
    } catch (e) {
      await close()
      throw e
    }
  }
  return { dialect: 'sqlite', db, sqlite, path, close }
}

// any fixed key: every Switchyard process migrating the same database takes the same lock
const MIGRATE_LOCK = 'switchyard:migrate'

async function openPostgres(url: string, opts: OpenDbOptions): Promise<OpenedPostgres> {
  const cfg = pgConfig(url)
  const max = opts.poolSize ?? (Number(process.env.SWITCHYARD_PG_POOL) || 10)
  const { db, pool } = await openPgPool(cfg, max)
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await db.destroy() // ends the pool
  }
  if (opts.migrate !== false) {
    try {
      const { rows: [cur] } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
      const schema = { schema: cur?.schema ?? 'public' }
      await assertKnownMigrations(db, cfg.label, schema)
      // a session lock on a connection of its own: processes starting together migrate once, the others
      // wait and then find nothing left to do (kysely's migrator also locks, but only after it has created
      // its tables, which two processes cannot do at once)
      const lock = await dedicatedClient(cfg)
      try {
        await lock.query('select pg_advisory_lock(hashtext($1))', [`${MIGRATE_LOCK}:${cfg.schema ?? ''}`])
        await assertKnownMigrations(db, cfg.label, schema)
        await migrateToLatest(db, schema)
      } finally {
        await lock.end().catch(() => undefined) // ending the session releases the lock
      }
    } catch (e) {
      await close()
      throw e
    }
  }
  return {
    dialect: 'postgres', db, sqlite: undefined, path: cfg.label, url, pool, close,
    connect: () => dedicatedClient(cfg),
  }
}
