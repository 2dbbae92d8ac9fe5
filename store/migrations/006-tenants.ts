import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * Tenants: threads carry one (runs and events belong to their thread); store items get one in their
 * key, so two tenants may use the same namespace and key. SQLite cannot change a primary key, so the
 * store table is rebuilt.
 */
export const tenantsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('threads').addColumn('tenant', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('threads_tenant').on('threads').columns(['tenant', 'created_at']).execute()
    await db.schema.createTable('store_items_t')
      .addColumn('tenant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('store_items_t_pk', ['tenant', 'namespace', 'key'])
      .execute()
    await sql`insert into store_items_t (tenant, namespace, key, value, created_at, updated_at)
      select '', namespace, key, value, created_at, updated_at from store_items`.execute(db)
    await db.schema.dropTable('store_items').execute()
    await db.schema.alterTable('store_items_t').renameTo('store_items').execute()
  },
}
