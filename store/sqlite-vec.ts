import * as sqliteVec from 'sqlite-vec'
import { AppError } from './app-error.js'

/** The one method of a raw SQLite handle (better-sqlite3's `Database`) that loading needs. */
export interface ExtensionLoader {
  loadExtension(file: string, entrypoint?: string): void
}

// per handle, not per process: every better-sqlite3 connection loads extensions on its own
const loaded = new WeakSet<ExtensionLoader>()

/**
 * Loads the sqlite-vec extension (`vec0` tables, `vec_distance_cosine`, ...) into `sqlite` once;
 * later calls on the same handle do nothing. Only connections that touch vector tables need it:
 * the vector tables have no triggers, so writers of `rag_chunks` never do.
 *
 * @throws AppError `INTERNAL` when the platform has no sqlite-vec binary.
 * @example
 * const { db, sqlite } = await openDb(path)
 * loadSqliteVec(sqlite)
 */
export function loadSqliteVec(sqlite: ExtensionLoader): void {
  if (loaded.has(sqlite)) return
  try {
    sqliteVec.load(sqlite)
  } catch (cause) {
    throw new AppError('INTERNAL', `cannot load the sqlite-vec extension: ${String(cause)}`, { cause })
  }
  loaded.add(sqlite)
}

/** {@link loadSqliteVec} that reports failure instead of throwing: false means "no vectors here". */
export function trySqliteVec(sqlite: ExtensionLoader | undefined): boolean {
  if (sqlite === undefined) return false
  try {
    loadSqliteVec(sqlite)
    return true
  } catch {
    return false
  }
}
