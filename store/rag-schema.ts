import type { Generated, Selectable } from 'kysely'

/** A named set of documents; a retriever searches one collection or all of them. */
export interface RagCollectionTable {
  /** Keyed by (tenant, name): each tenant has its own names (migration 015); `''` outside any tenant. */
  tenant: Generated<string>
  name: string
  created_at: Generated<string>
}

/** One ingested file, keyed by (collection, source). */
export interface RagDocumentTable {
  id: Generated<number>
  /** The collection's tenant (migration 015): searches filter on it. */
  tenant: Generated<string>
  collection: string
  /** Absolute path of the file, so the same file is one document whatever the working directory. */
  source: string
  title: string
  /** sha256 of the file's bytes, hex. */
  content_hash: string
  /** The chunking the stored chunks were cut with: a change re-chunks an unchanged file. */
  chunk_size: number
  chunk_overlap: number
  /**
   * JSON object of scalars (string, number, boolean, null), `'{}'` by default: file_type, path,
   * mtime, size, pages (pdf), line (jsonl), a record's own fields; see `rag/ingest.ts`.
   */
  metadata: Generated<string>
  created_at: Generated<string>
  updated_at: Generated<string>
}

/** A piece of a document, in document order; its id is the FTS5 rowid. */
export interface RagChunkTable {
  id: Generated<number>
  document_id: number
  ord: number
  text: string
}

export interface RagTables {
  rag_collections: RagCollectionTable
  rag_documents: RagDocumentTable
  rag_chunks: RagChunkTable
}

/**
 * The FTS5 virtual table, kept out of `DB` so nobody writes to it by hand (triggers on `rag_chunks`
 * and `rag_documents` maintain it). Query it through `db.withTables<RagFtsTables>()`.
 * A type alias, not an interface: `withTables` needs the implicit index signature.
 */
export type RagFtsTables = {
  rag_chunks_fts: {
    rowid: number
    title: string
    text: string
    /** The hidden column named after the table, the left operand of MATCH. */
    rag_chunks_fts: string
  }
}

export type RagDocumentRow = Selectable<RagDocumentTable>
export type RagChunkRow = Selectable<RagChunkTable>
