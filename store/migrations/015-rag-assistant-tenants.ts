import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`

/**
 * Tenants for RAG collections and assistants. A collection is now keyed by (tenant, name), so two tenants
 * may each have a `docs`; documents carry their collection's tenant (searches filter on it). SQLite cannot
 * change a primary key or a foreign key, so both RAG tables are rebuilt (the documented 12-step way: foreign
 * keys off, new tables, copy, drop, rename; the FTS triggers that name `rag_documents` are dropped and made
 * again, ids and the AUTOINCREMENT counter are kept so that a cited id never names another file).
 * Assistants just get a column: `''` is the tenant of assistants made outside any tenant (the graphs'
 * own assistants, an open server), visible to every tenant.
 * Postgres alters keys in place ({@link postgresRekey}); its RAG tables have no FTS triggers to remake.
 */
export const ragAssistantTenantsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('assistants').addColumn('tenant', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('assistants_tenant').on('assistants').columns(['tenant', 'created_at']).execute()
    if (ddl(db).pg) return postgresRekey(db)

    // PRAGMA foreign_keys is a no-op inside a transaction: kysely runs SQLite migrations outside one
    await sql`PRAGMA foreign_keys = OFF`.execute(db)
    try {
      await db.transaction().execute(async (trx) => {
        const seq = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'rag_documents'`.execute(trx)
        await sql`CREATE TABLE rag_collections_t (
          tenant text NOT NULL DEFAULT '',
          name text NOT NULL,
          created_at text NOT NULL DEFAULT ${now},
          PRIMARY KEY (tenant, name)
        )`.execute(trx)
        await sql`INSERT INTO rag_collections_t (tenant, name, created_at) SELECT '', name, created_at FROM rag_collections`.execute(trx)
        await sql`CREATE TABLE rag_documents_t (
          id integer PRIMARY KEY AUTOINCREMENT,
          tenant text NOT NULL DEFAULT '',
          collection text NOT NULL,
          source text NOT NULL,
          title text NOT NULL,
          content_hash text NOT NULL,
          chunk_size integer NOT NULL,
          chunk_overlap integer NOT NULL,
          created_at text NOT NULL DEFAULT ${now},
          updated_at text NOT NULL DEFAULT ${now},
          metadata text NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
          CONSTRAINT rag_documents_source UNIQUE (tenant, collection, source),
          FOREIGN KEY (tenant, collection) REFERENCES rag_collections (tenant, name) ON DELETE CASCADE
        )`.execute(trx)
        await sql`INSERT INTO rag_documents_t (id, tenant, collection, source, title, content_hash, chunk_size, chunk_overlap, created_at, updated_at, metadata)
          SELECT id, '', collection, source, title, content_hash, chunk_size, chunk_overlap, created_at, updated_at, metadata FROM rag_documents`.execute(trx)
        // triggers naming rag_documents would make the renames fail while it is gone
        await sql`DROP TRIGGER rag_chunks_ai`.execute(trx)
        await sql`DROP TRIGGER rag_chunks_au`.execute(trx)
        await sql`DROP TABLE rag_documents`.execute(trx)
        await sql`DROP TABLE rag_collections`.execute(trx)
        await sql`ALTER TABLE rag_collections_t RENAME TO rag_collections`.execute(trx)
        await sql`ALTER TABLE rag_documents_t RENAME TO rag_documents`.execute(trx)
        const last = seq.rows[0]?.seq
        if (last !== undefined) await sql`UPDATE sqlite_sequence SET seq = max(seq, ${last}) WHERE name = 'rag_documents'`.execute(trx)
        await sql`CREATE INDEX rag_documents_tenant ON rag_documents (tenant, collection)`.execute(trx)
        await sql`CREATE TRIGGER rag_chunks_ai AFTER INSERT ON rag_chunks BEGIN
          INSERT INTO rag_chunks_fts(rowid, title, text)
            SELECT new.id, d.title, new.text FROM rag_documents d WHERE d.id = new.document_id;
        END`.execute(trx)
        await sql`CREATE TRIGGER rag_chunks_au AFTER UPDATE OF text, document_id ON rag_chunks BEGIN
          DELETE FROM rag_chunks_fts WHERE rowid = old.id;
          INSERT INTO rag_chunks_fts(rowid, title, text)
            SELECT new.id, d.title, new.text FROM rag_documents d WHERE d.id = new.document_id;
        END`.execute(trx)
        await sql`CREATE TRIGGER rag_documents_title_au AFTER UPDATE OF title ON rag_documents BEGIN
          UPDATE rag_chunks_fts SET title = new.title
            WHERE rowid IN (SELECT id FROM rag_chunks WHERE document_id = new.id);
        END`.execute(trx)
        const broken = await sql`PRAGMA foreign_key_check`.execute(trx)
        if (broken.rows.length > 0) throw new Error(`foreign keys broken by the rebuild: ${JSON.stringify(broken.rows.slice(0, 3))}`)
      })
    } finally {
      await sql`PRAGMA foreign_keys = ON`.execute(db)
    }
  },
}

/** The same change on Postgres, which can drop and add keys: constraint names are Postgres's defaults from 003. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
async function postgresRekey(db: Kysely<any>): Promise<void> {
  for (const stmt of [
    sql`ALTER TABLE rag_documents DROP CONSTRAINT rag_documents_collection_fkey`,
    sql`ALTER TABLE rag_collections ADD COLUMN tenant text NOT NULL DEFAULT ''`,
    sql`ALTER TABLE rag_collections DROP CONSTRAINT rag_collections_pkey`,
    sql`ALTER TABLE rag_collections ADD PRIMARY KEY (tenant, name)`,
    sql`ALTER TABLE rag_documents ADD COLUMN tenant text NOT NULL DEFAULT ''`,
    sql`ALTER TABLE rag_documents DROP CONSTRAINT rag_documents_source`,
    sql`ALTER TABLE rag_documents ADD CONSTRAINT rag_documents_source UNIQUE (tenant, collection, source)`,
    sql`ALTER TABLE rag_documents ADD FOREIGN KEY (tenant, collection) REFERENCES rag_collections (tenant, name) ON DELETE CASCADE`,
    sql`CREATE INDEX rag_documents_tenant ON rag_documents (tenant, collection)`,
  ]) await stmt.execute(db)
}
