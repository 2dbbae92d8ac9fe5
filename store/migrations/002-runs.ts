import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/** Threads, the run queue and the per-run event log. */
export const runsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { now, int, pg } = ddl(db)
    await db.schema
      .createTable('threads')
      .addColumn('thread_id', 'text', (c) => c.primaryKey())
      .addColumn('graph', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('idle'))
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
      .execute()
    await db.schema
      .createTable('runs')
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('graph', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('null'))
      .addColumn('error', 'text')
      .addColumn('pid', int)
      .addColumn('cancel_requested', int, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
      // Postgres has no rowid: this column gives runs the same insertion order SQLite's rowid does
      // (the tie-break of runs created in the same millisecond), under the same name
      .$call((t) => (pg ? t.addColumn('rowid', 'bigserial', (c) => c.notNull().unique()) : t))
      .execute()
    await db.schema.createIndex('runs_thread').on('runs').columns(['thread_id', 'created_at']).execute()
    await db.schema
      .createTable('run_events')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('seq', int, (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq'])
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('run_events').execute()
    await db.schema.dropTable('runs').execute()
    await db.schema.dropTable('threads').execute()
  },
}
