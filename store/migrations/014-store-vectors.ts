import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Semantic search in the `/store` API. `store_items` learns how each item is indexed:
 * `index_fields` (null: the default fields, `false`: not indexed, else a JSON list of paths) and
 * `embedded_with` (the embeddings model its vectors come from; null: not embedded yet, so a query
 * search embeds it first). `store_vectors` holds one float32 vector per indexed text of an item,
 * with the sha256 of that text so a put re-embeds only what changed.
 *
 * A plain table, not a sqlite-vec `vec0` one: its foreign key deletes an item's vectors with the
 * item (a delete, a put over an expired row, the TTL sweep) without any writer loading the
 * extension, and a search scores the item's own vectors with sqlite-vec's `vec_distance_cosine`.
 */
export const storeVectorsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('store_items').addColumn('index_fields', 'text').execute()
    await db.schema.alterTable('store_items').addColumn('embedded_with', 'text').execute()
    const { now, int, blob, autoId } = ddl(db)
    await autoId(db.schema.createTable('store_vectors'), 'id')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('text_sha', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('dimensions', int, (c) => c.notNull())
      .addColumn('embedding', blob, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('store_vectors_field', ['tenant', 'namespace', 'key', 'field'])
      .addForeignKeyConstraint('store_vectors_item', ['tenant', 'namespace', 'key'], 'store_items', ['tenant', 'namespace', 'key'],
        (fk) => fk.onDelete('cascade'))
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('store_vectors').execute()
    await db.schema.alterTable('store_items').dropColumn('embedded_with').execute()
    await db.schema.alterTable('store_items').dropColumn('index_fields').execute()
  },
}
