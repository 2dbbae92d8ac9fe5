import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { MIGRATIONS, migrateToLatest } from './migrate.js'
import { pendingMigrations, withMigrationLock } from './migration-lock.js'
import { GatedSqliteDialect } from './sqlite-dialect.js'
import { trySqliteVec } from './sqlite-vec.js'
import { ensureDir } from './ensure-dir.js'

export { DEFAULT_DB_PATH } from './db-path.js'

export interface OpenDbOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean
}

/** The raw better-sqlite3 handle behind a Kysely instance, for the few places that need it (sqlite-vec, FTS5 bulk load). */
export interface OpenedDb {
  db: Kysely<DB>
  sqlite: Database.Database
  path: string
  close(): Promise<void>
}

/**
 * Opens (creating if needed) the SQLite file at `path` in WAL mode and applies migrations.
 * `:memory:` works for unit tests.
 */
export async function openDb(path: string, opts: OpenDbOptions = {}): Promise<OpenedDb> {
  if (path !== ':memory:') ensureDir(dirname(path))
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  // vector indexes are sqlite-vec virtual tables: without the extension the schema cannot be read
  trySqliteVec(sqlite)
  const db = new Kysely<DB>({ dialect: new GatedSqliteDialect(sqlite) })
  if (opts.migrate !== false) {
    // only a database with migrations to apply needs the cross-process lock (the common case is none)
    const names = Object.keys(MIGRATIONS)
    if (path === ':memory:') await migrateToLatest(db)
    else if (pendingMigrations(sqlite, names).length > 0) await withMigrationLock(path, () => migrateToLatest(db))
  }
  let closed = false
  return {
    db,
    sqlite,
    path,
    close: async () => {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}
