import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/** What the HTTP server adds: assistants and their versions, the key-value store, thread search indexes. */
export const serverMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { now, int } = ddl(db)
    await db.schema
      .createTable('assistants')
      .addColumn('assistant_id', 'text', (c) => c.primaryKey())
      .addColumn('graph_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('context', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('version', int, (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
      .execute()
    await db.schema.createIndex('assistants_graph').on('assistants').columns(['graph_id', 'created_at']).execute()
    await db.schema
      .createTable('assistant_versions')
      .addColumn('assistant_id', 'text', (c) => c.notNull().references('assistants.assistant_id').onDelete('cascade'))
      .addColumn('version', int, (c) => c.notNull())
      .addColumn('graph_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('assistant_versions_pk', ['assistant_id', 'version'])
      .execute()
    await db.schema
      .createTable('store_items')
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('store_items_pk', ['namespace', 'key'])
      .execute()
    await db.schema.createIndex('threads_created').on('threads').columns(['created_at']).execute()
    await db.schema.createIndex('threads_status').on('threads').columns(['status', 'created_at']).execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('threads_status').execute()
    await db.schema.dropIndex('threads_created').execute()
    await db.schema.dropTable('store_items').execute()
    await db.schema.dropTable('assistant_versions').execute()
    await db.schema.dropTable('assistants').execute()
  },
}
