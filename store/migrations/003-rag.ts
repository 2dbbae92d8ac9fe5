import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * RAG tables: collections, documents, chunks and the FTS5 index over chunk title + text.
 * Triggers keep the index in step with `rag_chunks`, so every writer (including the
 * ON DELETE CASCADE from documents) updates it without knowing it exists.
 * On Postgres the tables are made without the FTS5 index (its full-text search is migration 020).
 */
export const ragMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { now, int, pg, autoId } = ddl(db)
    await db.schema
      .createTable('rag_collections')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .execute()
    // AUTOINCREMENT: ids are cited as sources, so a deleted id must never come back as another file
    await autoId(db.schema.createTable('rag_documents'), 'id')
      .addColumn('collection', 'text', (c) => c.notNull().references('rag_collections.name').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('chunk_size', int, (c) => c.notNull())
      .addColumn('chunk_overlap', int, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('rag_documents_source', ['collection', 'source'])
      .execute()
    // AUTOINCREMENT for the same reason: a chunk id in a past answer must not name new text
    await autoId(db.schema.createTable('rag_chunks'), 'id')
      .addColumn('document_id', int, (c) => c.notNull().references('rag_documents.id').onDelete('cascade'))
      .addColumn('ord', int, (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addUniqueConstraint('rag_chunks_doc_ord', ['document_id', 'ord'])
      .execute()
    if (pg) return
    await sql`CREATE VIRTUAL TABLE rag_chunks_fts USING fts5(
      title, text, tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db)
    await sql`CREATE TRIGGER rag_chunks_ai AFTER INSERT ON rag_chunks BEGIN
      INSERT INTO rag_chunks_fts(rowid, title, text)
        SELECT new.id, d.title, new.text FROM rag_documents d WHERE d.id = new.document_id;
    END`.execute(db)
    await sql`CREATE TRIGGER rag_chunks_ad AFTER DELETE ON rag_chunks BEGIN
      DELETE FROM rag_chunks_fts WHERE rowid = old.id;
    END`.execute(db)
    await sql`CREATE TRIGGER rag_chunks_au AFTER UPDATE OF text, document_id ON rag_chunks BEGIN
      DELETE FROM rag_chunks_fts WHERE rowid = old.id;
      INSERT INTO rag_chunks_fts(rowid, title, text)
        SELECT new.id, d.title, new.text FROM rag_documents d WHERE d.id = new.document_id;
    END`.execute(db)
    await sql`CREATE TRIGGER rag_documents_title_au AFTER UPDATE OF title ON rag_documents BEGIN
      UPDATE rag_chunks_fts SET title = new.title
        WHERE rowid IN (SELECT id FROM rag_chunks WHERE document_id = new.id);
    END`.execute(db)
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    // dropping a table drops its triggers
    await db.schema.dropTable('rag_chunks_fts').execute()
    await db.schema.dropTable('rag_chunks').execute()
    await db.schema.dropTable('rag_documents').execute()
    await db.schema.dropTable('rag_collections').execute()
  },
}
