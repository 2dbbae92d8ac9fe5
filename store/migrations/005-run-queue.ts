import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

const COLUMNS = [
  ['assistant_id', 'text', null],
  ['metadata', 'text', "'{}'"],
  ['multitask_strategy', 'text', "'reject'"],
  ['kwargs', 'text', "'{}'"],
  ['available_at', 'text', null],
  ['attempt', 'integer', '0'],
  ['start_checkpoint_id', 'text', null],
  ['temporary', 'integer', '0'],
] as const

/** The run queue's columns: what to run (kwargs), how it shares its thread, when it may start. */
export const runQueueMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { int } = ddl(db)
    for (const [name, type, dflt] of COLUMNS) {
      await db.schema.alterTable('runs')
        .addColumn(name, type === 'integer' ? int : type, (c) => (dflt === null ? c : c.notNull().defaultTo(sql.raw(dflt))))
        .execute()
    }
    await db.schema.createIndex('runs_status').on('runs').columns(['status', 'available_at']).execute()
  },
}
