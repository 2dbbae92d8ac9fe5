import type Database from 'better-sqlite3'
import { AppError } from './app-error.js'
import type { Dialect } from './dialect.js'

/**
 * What stays SQLite-only when the store is on Postgres: RAG (documents are searched with SQLite's FTS5
 * and sqlite-vec, `rag/`). The runs, threads, checkpoints, store items (semantic search included, by an
 * exact scan: store/store-vector-search.ts), crons and the event log all live on Postgres.
 */
export const SQLITE_ONLY = ['RAG collections and document search (FTS5, sqlite-vec)'] as const

/**
 * The raw SQLite handle of `store`, or a VALIDATION error saying that `feature` needs the SQLite store.
 *
 * @example
 * syncVectors(db, sqliteOf(rt.store, 'RAG'), rt.embeddings)
 */
export function sqliteOf(store: { dialect: Dialect; sqlite?: Database.Database }, feature: string): Database.Database {
  if (store.sqlite !== undefined) return store.sqlite
  throw new AppError('VALIDATION', `${feature} needs the SQLite store (FTS5 and sqlite-vec); this server's store is Postgres (DATABASE_URL). Run RAG with a SQLite --db, or unset DATABASE_URL`, { details: { dialect: store.dialect } })
}
