import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Document metadata for filters and citations: `rag_documents.metadata`, a JSON object of scalars
 * (file type, path, mtime, pdf pages, a JSON record's own fields). Existing rows get `{}`.
 * (Postgres has no `json_valid`; writers always store `JSON.stringify` output.)
 */
export const ragMetadataMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { pg } = ddl(db)
    await db.schema
      .alterTable('rag_documents')
      .addColumn('metadata', 'text', (c) => (pg ? c.notNull().defaultTo(sql`'{}'`) : c.notNull().defaultTo(sql`'{}'`).check(sql`json_valid(metadata)`)))
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.alterTable('rag_documents').dropColumn('metadata').execute()
  },
}
