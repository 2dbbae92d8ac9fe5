import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { AppError } from './app-error.js'
import { redactUrl } from './dialect.js'
import type { DB } from './schema.js'

/** How the store connects to Postgres: the pool's settings, and the schema its tables live in. */
export interface PgConfig {
  /** The connection string without Switchyard's own `schema` parameter. */
  connectionString: string
  /** The schema (from `?schema=`), created if missing and first on every connection's search_path; undefined: the server's default. */
  schema: string | undefined
  /** The URL with the password masked, for messages. */
  label: string
}

// int8 (counts, epoch-ms columns, bigserial ids) and numeric come back as strings by default: the store's
// row types say number, as SQLite gives them. Values stay far below 2^53 (ms timestamps, row counts).
const TYPE_PARSERS: Record<number, (v: string) => unknown> = { 20: Number, 1700: Number }
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return TYPE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')
  },
} as pg.CustomTypesConfig

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Reads `url` (`postgres://user:pass@host:5432/db?schema=name`). `schema` is Switchyard's own parameter
 * (so one database can hold several independent stores, as the tests do); the rest is `pg`'s.
 */
export function pgConfig(url: string): PgConfig {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AppError('VALIDATION', `DATABASE_URL is not a valid URL: ${redactUrl(url)}`)
  }
  const schema = parsed.searchParams.get('schema') ?? undefined
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new AppError('VALIDATION', `DATABASE_URL schema must be a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`)
  }
  parsed.searchParams.delete('schema')
  return { connectionString: parsed.toString(), schema, label: redactUrl(url) }
}

/** Client settings shared by the pool and dedicated connections: the schema first on the search_path. */
export function clientConfig(cfg: PgConfig): pg.ClientConfig {
  return {
    connectionString: cfg.connectionString,
    types,
    connectionTimeoutMillis: 10_000,
    application_name: 'switchyard',
    ...(cfg.schema !== undefined ? { options: `-c search_path=${cfg.schema}` } : {}),
  }
}

/** The one line an unreachable or refusing server gets (host, port and database, never the password). */
export function connectError(cfg: PgConfig, e: unknown): AppError {
  const err = e as NodeJS.ErrnoException & { code?: string }
  const why = err.code === 'ECONNREFUSED' ? 'connection refused'
    : err.code === 'ENOTFOUND' ? 'unknown host'
      : err.code === '3D000' ? 'no such database'
        : err.code === '28P01' || err.code === '28000' ? 'authentication failed'
          : err.message || String(e)
  return new AppError('UPSTREAM', `cannot connect to Postgres at ${cfg.label}: ${why}`, { cause: e })
}

/** A pool over `cfg`, checked with one round trip (and the schema created) before it is handed out. */
export async function openPgPool(cfg: PgConfig, max: number): Promise<{ db: Kysely<DB>; pool: pg.Pool }> {
  const pool = new pg.Pool({ ...clientConfig(cfg), max, idleTimeoutMillis: 30_000 })
  // an idle client whose server went away: the pool drops it and the next query connects afresh
  pool.on('error', () => undefined)
  try {
    const c = await pool.connect()
    try {
      if (cfg.schema !== undefined) {
        // two processes creating it at once: one of them gets a unique violation, and the schema exists
        await c.query(`create schema if not exists "${cfg.schema}"`).catch((e: { code?: string }) => {
          if (e.code !== '23505' && e.code !== '42P06') throw e
        })
      }
    } finally {
      c.release()
    }
  } catch (e) {
    await pool.end().catch(() => undefined)
    throw connectError(cfg, e)
  }
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), pool }
}

/**
 * A connection of its own, outside the pool, for what holds a session: an advisory lock, LISTEN.
 * The caller ends it.
 */
export async function dedicatedClient(cfg: PgConfig): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(cfg))
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (e) {
    throw connectError(cfg, e)
  }
  return client
}
