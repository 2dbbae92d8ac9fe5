import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompiledQuery } from 'kysely'
import pg from 'pg'
import { openStore, type OpenDbOptions, type OpenedDb } from '../../store/db.js'
import type { Dialect } from '../../store/dialect.js'

/**
 * The engines the store's contract tests run on. SQLite always; Postgres when it answers on
 * 127.0.0.1:5432 (database `test`, trust auth, user postgres or root, or SWITCHYARD_TEST_PG_URL). Under
 * CI=1 a Postgres that does not answer fails the suite instead of skipping it. Each test file gets
 * schemas of its own (`?schema=`), dropped after.
 */
const CANDIDATES = process.env.SWITCHYARD_TEST_PG_URL
  ? [process.env.SWITCHYARD_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test']

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  c.on('error', () => undefined)
  try {
    await c.connect()
    await c.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

let found: Promise<string | undefined> | undefined
/** The base URL of the test Postgres, or undefined when none answers (an error under CI=1). */
export function testPgUrl(): Promise<string | undefined> {
  found ??= (async () => {
    for (const url of CANDIDATES) if (await answers(url)) return url
    if (process.env.CI) throw new Error(`CI=1: no Postgres answers at ${CANDIDATES.join(' or ')} (start it: pg_ctlcluster <version> main start)`)
    return undefined
  })()
  return found
}

/** The dialects to run a contract suite on, with the reason Postgres is skipped when it is. */
export async function testDialects(): Promise<{ dialects: Dialect[]; skipped?: string }> {
  const url = await testPgUrl()
  return url ? { dialects: ['sqlite', 'postgres'] } : { dialects: ['sqlite'], skipped: 'no Postgres answers on 127.0.0.1:5432 (CI=1 makes this a failure)' }
}

/** A fresh, empty store of `dialect`: a SQLite file in a temp dir, or a new schema in the test database. */
export interface TempStore {
  store: OpenedDb
  /** What `openDb` takes to open the same store again (another "process"). */
  target: string
  /** Closes the store and removes its file or drops its schema. */
  cleanup(): Promise<void>
}

const schemaName = (tag: string) => `t_${tag.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase()

/** The URL (or path) of a new, not yet created store, and how to remove it after. */
export async function tempTarget(dialect: Dialect, tag: string): Promise<{ target: string; remove(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `sy-${tag}-`))
    return { target: join(dir, 'store.db'), remove: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const base = await testPgUrl()
  if (!base) throw new Error('no test Postgres')
  const schema = schemaName(tag)
  return {
    target: `${base}?schema=${schema}`,
    async remove() {
      const c = new pg.Client({ connectionString: base })
      c.on('error', () => undefined)
      await c.connect()
      try {
        await c.query(`drop schema if exists "${schema}" cascade`)
      } finally {
        await c.end()
      }
    },
  }
}

export async function openTempStore(dialect: Dialect, tag: string, opts: OpenDbOptions = {}): Promise<TempStore> {
  const t = await tempTarget(dialect, tag)
  // a small pool: several test files share the server's 100 connections
  const store = await openStore(t.target, { poolSize: 4, ...opts })
  return {
    store,
    target: t.target,
    async cleanup() {
      await store.close()
      await t.remove()
    },
  }
}

/** Rows of a raw query on either engine (`?` placeholders, numbered for Postgres). */
export async function query<T>(store: OpenedDb, text: string, ...params: unknown[]): Promise<T[]> {
  let n = 0
  const compiled = store.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text
  return (await store.db.executeQuery<T>(CompiledQuery.raw(compiled, params))).rows
}
