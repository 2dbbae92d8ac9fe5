import type { Kysely } from 'kysely'
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'
import { AppError } from './app-error.js'
import { checkpointsMigration } from './migrations/001-checkpoints.js'
import { runsMigration } from './migrations/002-runs.js'
import { ragMigration } from './migrations/003-rag.js'
import { serverMigration } from './migrations/004-server.js'
import { runQueueMigration } from './migrations/005-run-queue.js'
import { tenantsMigration } from './migrations/006-tenants.js'
import { stepCacheMigration } from './migrations/007-step-cache.js'
import { ragMetadataMigration } from './migrations/008-rag-metadata.js'
import { ragVectorsMigration } from './migrations/009-rag-vectors.js'
import { runOrdinalMigration } from './migrations/010-run-ordinal.js'
import { cronsMigration } from './migrations/011-crons.js'
import { storeTtlMigration } from './migrations/012-store-ttl.js'
import { threadTtlMigration } from './migrations/013-thread-ttl.js'
import { storeVectorsMigration } from './migrations/014-store-vectors.js'
import { ragAssistantTenantsMigration } from './migrations/015-rag-assistant-tenants.js'
import { runTraceMigration } from './migrations/016-run-trace.js'
import { runLeaseMigration } from './migrations/017-run-lease.js'
import { graphVersionsMigration } from './migrations/018-graph-versions.js'
import { runOnePerThreadMigration } from './migrations/019-run-one-per-thread.js'
import { ragSearchPgMigration } from './migrations/020-rag-search-pg.js'

/** Versioned migrations, applied in key order at start-up. Never edit a shipped one: add the next. */
export const MIGRATIONS: Record<string, Migration> = {
  '001-checkpoints': checkpointsMigration,
  '002-runs': runsMigration,
  '003-rag': ragMigration,
  '004-server': serverMigration,
  '005-run-queue': runQueueMigration,
  '006-tenants': tenantsMigration,
  '007-step-cache': stepCacheMigration,
  '008-rag-metadata': ragMetadataMigration,
  '009-rag-vectors': ragVectorsMigration,
  '010-run-ordinal': runOrdinalMigration,
  '011-crons': cronsMigration,
  '012-store-ttl': storeTtlMigration,
  '013-thread-ttl': threadTtlMigration,
  '014-store-vectors': storeVectorsMigration,
  '015-rag-assistant-tenants': ragAssistantTenantsMigration,
  '016-run-trace': runTraceMigration,
  '017-run-lease': runLeaseMigration,
  '018-graph-versions': graphVersionsMigration,
  '019-run-one-per-thread': runOnePerThreadMigration,
  '020-rag-search-pg': ragSearchPgMigration,
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateToLatest(db: Kysely<any>, o: { schema?: string } = {}): Promise<void> {
  // Postgres: kysely looks its own tables up across every schema unless told which one is ours
  let { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema: o.schema }).migrateToLatest()
  // kysely's introspection lists the tables of every schema: another schema dropped at that moment (another
  // store in the same database going away) fails it with "schema … does not exist"; nothing was applied, so try again
  for (let i = 0; i < 3 && error !== undefined && otherSchemaGone(error, o.schema); i++) {
    ({ error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema: o.schema }).migrateToLatest())
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    throw new AppError('INTERNAL', `migration ${failed ?? '?'} failed: ${String(error)}`, { cause: error })
  }
}

/**
 * Names of migrations applied to `db` that this version does not know: the database was migrated by a
 * newer Switchyard. Empty on a new database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function unknownMigrations(db: Kysely<any>, o: { schema?: string } = {}): Promise<string[]> {
  let done: { name: string }[]
  try {
    done = await (o.schema ? db.withSchema(o.schema) : db).selectFrom('kysely_migration').select('name').execute()
  } catch {
    return [] // no migration table yet
  }
  return done.map((r) => r.name).filter((n) => !(n in MIGRATIONS)).sort()
}

/** Refuses a database migrated by a newer version, before anything is written to it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function assertKnownMigrations(db: Kysely<any>, label: string, o: { schema?: string } = {}): Promise<void> {
  const unknown = await unknownMigrations(db, o)
  if (unknown.length > 0) {
    throw new AppError('CONFLICT', `the database at ${label} was migrated by a newer Switchyard (unknown migrations: ${unknown.join(', ')}); upgrade Switchyard or use another database`, { details: { unknown } })
  }
}

function otherSchemaGone(error: unknown, ours: string | undefined): boolean {
  const m = /schema "([^"]+)" does not exist/.exec(String(error))
  return m !== null && m[1] !== ours
}
