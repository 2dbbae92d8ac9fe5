import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import type fc from 'fast-check'
import { ERROR_STATUS } from '../../store/app-error.js'

/**
 * The fuzz suites' knobs. CI runs a fixed seed (`FUZZ_SEED`, default below) and the case counts written
 * in each suite; `FUZZ_RUNS=<factor>` multiplies them for longer local runs (`FUZZ_RUNS=20 npx vitest run
 * tests/fuzz`), `FUZZ_SEED=random` draws a new seed each run (printed by fast-check on failure, with the
 * path to replay it).
 */
export const FUZZ_SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261204)
export const FUZZ_FACTOR = Math.max(0.01, Number(process.env.FUZZ_RUNS ?? 1) || 1)

/** fast-check parameters for a property of `runs` cases in CI (scaled by FUZZ_RUNS). */
export const fuzzParams = (runs: number): fc.Parameters<unknown> => ({
  seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(runs * FUZZ_FACTOR)), endOnFailure: true, verbose: 1,
})

/** The closed set of error codes an answer may carry. */
export const ERROR_CODES = new Set(Object.keys(ERROR_STATUS))

/**
 * A digest of every table's rows read through a connection of its own, and SQLite's `data_version`,
 * which changes only when another connection commits: comparing versions first makes the check cheap
 * for the common case, the digest says whether content really changed.
 */
export function dbWatcher(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[]).map((r) => r.name)
  const version = () => (db.pragma('data_version', { simple: true }) as number)
  const digest = () => {
    const h = createHash('sha256')
    for (const t of tables) {
      h.update(`\u0000${t}\u0000`)
      let rows: Iterable<unknown[]>
      try {
        rows = db.prepare(`select * from "${t.replace(/"/g, '""')}"`).raw().all() as unknown[][]
      } catch {
        continue // a virtual table this connection cannot read (no extension loaded): its shadow tables hold its rows
      }
      const lines = [...rows].map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? String(v) : v)))
      for (const l of lines.sort()) h.update(l)
    }
    return h.digest('hex')
  }
  return { version, digest, close: () => db.close() }
}
