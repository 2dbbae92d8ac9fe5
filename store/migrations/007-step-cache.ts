import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * The step cache of YAML workflows: a step's outputs by content key (sha256 of the step's
 * definition, its rendered parameters and its rendered `cache.key`), per tenant, until `expires_at`
 * (epoch ms; null = until cleared).
 */
export const stepCacheMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { int } = ddl(db)
    await db.schema.createTable('step_cache')
      .addColumn('tenant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('workflow', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('outputs', 'text', (c) => c.notNull())
      .addColumn('created_at', int, (c) => c.notNull())
      .addColumn('expires_at', int)
      .addPrimaryKeyConstraint('step_cache_pk', ['tenant', 'key'])
      .execute()
    await db.schema.createIndex('step_cache_expires').on('step_cache').column('expires_at').execute()
  },
}
