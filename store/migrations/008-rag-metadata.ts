import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * Document metadata for filters and citations: `rag_documents.metadata`, a JSON object of scalars
 * (file type, path, mtime, pdf pages, a JSON record's own fields). Existing rows get `{}`.
 */
export const ragMetadataMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('rag_documents')
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo(sql`'{}'`).check(sql`json_valid(metadata)`))
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.alterTable('rag_documents').dropColumn('metadata').execute()
  },
}
