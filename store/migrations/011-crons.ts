import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Cron jobs of the `/runs/crons` API: a schedule (cron pattern + IANA timezone) that queues a run
 * from a stored request body. `thread_id` null = a stateless cron (a new thread per run).
 * `next_run_date` is when it fires next (null = never again); the index finds the next due one.
 */
export const cronsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { int } = ddl(db)
    await db.schema.createTable('crons')
      .addColumn('cron_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('assistant_id', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text')
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text')
      .addColumn('end_time', 'text')
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('on_run_completed', 'text')
      .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
      .addColumn('next_run_date', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('crons_due').on('crons').columns(['enabled', 'next_run_date']).execute()
    await db.schema.createIndex('crons_thread').on('crons').column('thread_id').execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('crons').execute()
  },
}
