import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * A run's place among its thread's runs, fixed when it is queued (the thread's highest + 1). Protocol
 * v2 seqs are built from it (server/protocol/event-seq.ts), so deleting an earlier run no longer moves
 * the seqs of the later ones. Existing runs are numbered in creation order (`rowid`: Postgres's is a column, see 002).
 */
export const runOrdinalMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('runs').addColumn('ordinal', ddl(db).int).execute()
    await sql`update runs set ordinal = (select count(*) from runs r where r.thread_id = runs.thread_id
      and (r.created_at < runs.created_at or (r.created_at = runs.created_at and r.rowid <= runs.rowid)))`.execute(db)
    await db.schema.createIndex('runs_thread_ordinal').unique().on('runs').columns(['thread_id', 'ordinal']).execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('runs_thread_ordinal').execute()
    await db.schema.alterTable('runs').dropColumn('ordinal').execute()
  },
}
