import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Thread TTLs (`ttl` of `POST /threads` and `PATCH /threads/{id}`): a thread with `ttl_minutes` is
 * deleted once it has been left alone that long (no run, no update since its `updated_at`).
 */
export const threadTtlMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('threads').addColumn('ttl_minutes', ddl(db).real).execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.alterTable('threads').dropColumn('ttl_minutes').execute()
  },
}
