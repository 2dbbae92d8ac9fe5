import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * The registry of vector indexes. Each row names one sqlite-vec `vec0` table (`rag_vec_<id>`) holding
 * the embeddings of one model at one dimension, keyed by chunk id. The `vec0` tables themselves are
 * created lazily by `rag/vector-index.ts` at the first embed (the dimension is unknown before), with
 * the extension loaded; this migration only needs plain SQLite, so every connection can run it.
 * No triggers tie `rag_chunks` to the vectors (a trigger on a `vec0` table would make every writer of
 * chunks load the extension): vectors of deleted chunks are removed by the next sync and never
 * returned meanwhile, since chunk ids are AUTOINCREMENT and searches join on `rag_chunks`.
 */
export const ragVectorsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rag_vector_indexes')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('dimensions', 'integer', (c) => c.notNull())
      .addColumn('table_name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`))
      .addUniqueConstraint('rag_vector_indexes_model', ['model', 'dimensions'])
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    // the vec0 tables need the extension to be dropped: rag/vector-index.ts dropVectorIndex does that first
    await db.schema.dropTable('rag_vector_indexes').execute()
  },
}
