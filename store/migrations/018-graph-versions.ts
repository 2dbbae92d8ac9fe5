import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * The drawings of the graphs runs were executed with, by the hash of their JSON: each run's `metadata`
 * event names the hash (`graph_hash`), so a debugger can tell when a thread's checkpoints were made
 * under another version of the graph than today's, and draw the old one. Timestamps are written by the
 * code (ISO text), so the table reads the same on every engine.
 */
export const graphVersionsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('graph_versions')
      .addColumn('graph_hash', 'text', (c) => c.primaryKey())
      .addColumn('graph_id', 'text', (c) => c.notNull())
      .addColumn('drawing', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('graph_versions').execute()
  },
}
