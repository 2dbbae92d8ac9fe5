import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

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
    const { now, int, autoId } = ddl(db)
    await autoId(db.schema.createTable('rag_vector_indexes'), 'id')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('dimensions', int, (c) => c.notNull())
      .addColumn('table_name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('rag_vector_indexes_model', ['model', 'dimensions'])
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    // the vec0 tables need the extension to be dropped: rag/vector-index.ts dropVectorIndex does that first
    await db.schema.dropTable('rag_vector_indexes').execute()
  },
}
