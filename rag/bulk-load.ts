import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { AppError } from '../store/app-error.js'
import { ragTenant } from './rag-tenant.js'
import { chunkSettings, chunkText } from './chunk-text.js'

/** A document handed to {@link bulkLoad}: no file behind it, so `source` is any stable key. */
export interface BulkDoc {
  /** Unique within the collection (a BEIR corpus id, a URL...); loading it again replaces it. */
  source: string
  title: string
  text: string
}

export interface BulkLoadOptions {
  /** Default `'default'`. */
  collection?: string
  /**
   * Cut texts longer than this many characters with the ingest chunker (same splitter, plain-text
   * format). Default: no chunking, one chunk per document, as BEIR evaluations index them.
   */
  chunkSize?: number
  chunkOverlap?: number
  /** Documents per transaction (default 5,000). */
  batchSize?: number
  /** Merge the FTS5 index into one segment after loading (faster queries; costs a rewrite). Default false. */
  optimize?: boolean
}

export interface BulkLoadReport {
  documents: number
  chunks: number
  ms: number
}

/** Recorded in `rag_documents.chunk_size` when a document was stored whole. */
export const UNCHUNKED = 0

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * Loads many small documents fast: prepared statements through the raw better-sqlite3 handle, one
 * transaction per batch, the FTS5 index maintained by the `rag_chunks` triggers as for
 * `ingestPaths`. Each document is one chunk unless `chunkSize` is set. A source already in the
 * collection is replaced (its chunks go with it through the cascade).
 *
 * @example
 * const { sqlite } = await openDb(path)
 * await bulkLoad(sqlite, corpus.map((d) => ({ source: d.id, title: d.title, text: d.text })), { collection: 'scifact' })
 */
export async function bulkLoad(
  sqlite: Database.Database,
  docs: Iterable<BulkDoc> | AsyncIterable<BulkDoc>,
  opts: BulkLoadOptions = {},
): Promise<BulkLoadReport> {
  const t0 = performance.now()
  const collection = opts.collection ?? 'default'
  if (collection.trim() === '') throw new AppError('VALIDATION', 'collection must not be empty')
  const settings = opts.chunkSize === undefined ? undefined : chunkSettings(opts)
  const batchSize = opts.batchSize ?? 5_000
  const tenant = ragTenant()
  const addCollection = sqlite.prepare('INSERT INTO rag_collections (tenant, name) VALUES (?, ?) ON CONFLICT (tenant, name) DO NOTHING')
  const dropDoc = sqlite.prepare('DELETE FROM rag_documents WHERE tenant = ? AND collection = ? AND source = ?')
  const addDoc = sqlite.prepare(
    'INSERT INTO rag_documents (tenant, collection, source, title, content_hash, chunk_size, chunk_overlap) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const addChunk = sqlite.prepare('INSERT INTO rag_chunks (document_id, ord, text) VALUES (?, ?, ?)')
  const report: BulkLoadReport = { documents: 0, chunks: 0, ms: 0 }

  const write = sqlite.transaction((batch: { doc: BulkDoc; chunks: string[] }[]) => {
    addCollection.run(tenant, collection)
    for (const { doc, chunks } of batch) {
      dropDoc.run(tenant, collection, doc.source)
      const size = settings?.chunkSize ?? UNCHUNKED
      const overlap = settings?.chunkOverlap ?? 0
      const id = addDoc.run(tenant, collection, doc.source, doc.title, sha256(`${doc.title}\n${doc.text}`), size, overlap).lastInsertRowid
      chunks.forEach((text, ord) => addChunk.run(id, ord, text))
      report.chunks += chunks.length
    }
    report.documents += batch.length
  })

  let batch: { doc: BulkDoc; chunks: string[] }[] = []
  for await (const doc of docs) {
    // chunking is async, so it happens before the (synchronous) transaction that writes the batch
    const chunks = await chunksOf(doc.text, settings)
    batch.push({ doc, chunks })
    if (batch.length >= batchSize) {
      write(batch)
      batch = []
    }
  }
  if (batch.length > 0) write(batch)
  if (opts.optimize) sqlite.prepare("INSERT INTO rag_chunks_fts (rag_chunks_fts) VALUES ('optimize')").run()
  report.ms = performance.now() - t0
  return report
}

async function chunksOf(text: string, settings: { chunkSize: number; chunkOverlap: number } | undefined): Promise<string[]> {
  const trimmed = text.trim()
  // a title-only entry still gets one (empty) chunk, so its title stays searchable
  if (settings === undefined || trimmed.length <= settings.chunkSize) return [trimmed]
  return chunkText(trimmed, { ...settings, format: 'text' })
}
