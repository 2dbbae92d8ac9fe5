import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/** RAG tables: documents, chunks, the FTS5 index (filled in by the RAG work). */
export const ragMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(_db: Kysely<any>) {},
}
