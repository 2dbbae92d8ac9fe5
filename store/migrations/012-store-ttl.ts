import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Store item TTLs (`PUT /store/items` with `ttl`): `ttl_minutes` as given (null: never expires) and
 * `expires_at` in epoch ms, moved forward by `ttl_minutes` when a read refreshes it. Reads skip
 * expired rows; the server's sweep deletes them by the `store_items_expires` index. Existing items never expire.
 */
export const storeTtlMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { int, real } = ddl(db)
    await db.schema.alterTable('store_items').addColumn('ttl_minutes', real).execute()
    await db.schema.alterTable('store_items').addColumn('expires_at', int).execute()
    await db.schema.createIndex('store_items_expires').on('store_items').column('expires_at').where('expires_at', 'is not', null).execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('store_items_expires').execute()
    await db.schema.alterTable('store_items').dropColumn('expires_at').execute()
    await db.schema.alterTable('store_items').dropColumn('ttl_minutes').execute()
  },
}
