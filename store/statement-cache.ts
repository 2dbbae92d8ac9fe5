import type Database from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/**
 * better-sqlite3 behind kysely with its prepared statements kept: kysely's driver prepares every
 * query again, and on small queries preparing costs more than running. The same SQL text (kysely
 * compiles identical queries to identical text with bound parameters) reuses one statement; the
 * least recently used is dropped past `max`. Safe because the driver runs one query at a time on
 * the connection and never leaves a statement iterating.
 */
export function withStatementCache(db: Database.Database, max = 512): SqliteDatabase {
  const cache = new Map<string, Database.Statement>()
  return {
    close: () => void db.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql)
      if (stmt) {
        cache.delete(sql)
      } else {
        stmt = db.prepare(sql)
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      }
      cache.set(sql, stmt)
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>
    },
  }
}
