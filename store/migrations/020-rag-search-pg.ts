import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Document search on Postgres, the counterpart of SQLite's FTS5 table (003) and sqlite-vec tables (009):
 * - `rag_chunks.search`, a `tsvector` of the document's title (weight A) and the chunk's text (english
 *   stemming), kept by triggers like the FTS5 index is on SQLite, with a GIN index;
 * - `rag_chunk_vectors`, one embedding per (vector index, chunk) as float32 bytes — the rows a sqlite-vec
 *   `vec0` table holds on SQLite, the index still named in `rag_vector_indexes` (009) — searched by an exact
 *   scan in the process (no pgvector needed); rows go with their chunk or their index by cascade.
 * SQLite keeps its own tables: nothing changes there.
 */
export const ragSearchPgMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { pg, int } = ddl(db)
    if (!pg) return
    await sql`alter table rag_chunks add column search tsvector`.execute(db)
    // `set search_path from current`: the trigger finds rag_documents in the schema it was made in
    await sql`create function rag_chunk_search() returns trigger language plpgsql set search_path from current as $$
      begin
        new.search := setweight(to_tsvector('english', coalesce((select title from rag_documents where id = new.document_id), '')), 'A')
          || to_tsvector('english', new.text);
        return new;
      end $$`.execute(db)
    await sql`create trigger rag_chunks_search before insert or update of text, document_id on rag_chunks
      for each row execute function rag_chunk_search()`.execute(db)
    await sql`create function rag_document_title() returns trigger language plpgsql set search_path from current as $$
      begin
        update rag_chunks set text = text where document_id = new.id;
        return null;
      end $$`.execute(db)
    await sql`create trigger rag_documents_title after update of title on rag_documents
      for each row when (old.title is distinct from new.title) execute function rag_document_title()`.execute(db)
    await sql`update rag_chunks set text = text`.execute(db)
    await sql`create index rag_chunks_search_gin on rag_chunks using gin (search)`.execute(db)
    await db.schema
      .createTable('rag_chunk_vectors')
      .addColumn('index_id', int, (c) => c.notNull().references('rag_vector_indexes.id').onDelete('cascade'))
      .addColumn('chunk_id', int, (c) => c.notNull().references('rag_chunks.id').onDelete('cascade'))
      .addColumn('embedding', 'bytea', (c) => c.notNull())
      .addPrimaryKeyConstraint('rag_chunk_vectors_pk', ['index_id', 'chunk_id'])
      .execute()
    await db.schema.createIndex('rag_chunk_vectors_chunk').on('rag_chunk_vectors').column('chunk_id').execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    if (!ddl(db).pg) return
    await db.schema.dropTable('rag_chunk_vectors').execute()
    await sql`drop trigger rag_documents_title on rag_documents`.execute(db)
    await sql`drop trigger rag_chunks_search on rag_chunks`.execute(db)
    await sql`drop function rag_document_title()`.execute(db)
    await sql`drop function rag_chunk_search()`.execute(db)
    await sql`alter table rag_chunks drop column search`.execute(db)
  },
}
