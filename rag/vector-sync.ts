import type { EmbeddingsInterface } from '@langchain/core/embeddings'
import type { Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import { ragTenant } from './rag-tenant.js'
import type { ExtensionLoader } from './sqlite-vec.js'
import { deleteVectors, ensureVectorIndex, findVectorIndex, insertVectors, onPostgres, vectorIds, type VectorIndex } from './vector-index.js'

/** What {@link syncVectors} needs of an embeddings configuration (an `EmbeddingsConfig` fits). */
export interface Embedder {
  embeddings: EmbeddingsInterface
  /** Names the index: vectors of different models never mix. */
  model: string
  dimensions?: number
}

export interface SyncOptions {
  /** Embed only this collection's chunks (removal of stale vectors is always global). */
  collection?: string
  /** Chunks per `embedDocuments` call and per write transaction (default 256: two requests of the client's default 128, sent concurrently). */
  batchSize?: number
  onProgress?: (p: { embedded: number; total: number }) => void
}

export interface SyncReport {
  /** Vectors written. */
  embedded: number
  /** Vectors removed because their chunk is gone. */
  removed: number
  /** The index written to; undefined when there was nothing to embed and no index yet. */
  index: VectorIndex | undefined
}

/** The text embedded for a chunk: its document's title then the chunk, as the FTS index sees both. */
export const embeddingText = (title: string, text: string): string => (`${title}\n\n${text}`.trim() || ' ')

/**
 * Brings the vector index of `embedder.model` in step with `rag_chunks` (`sqlite`: the raw handle on a
 * SQLite store, undefined on Postgres): removes the vectors of
 * chunks that no longer exist and embeds the chunks that have no vector, `batchSize` at a time
 * (each batch is written in its own transaction, so an interrupted sync keeps what it finished).
 * Idempotent: a second run embeds nothing. A changed file gets new chunk ids (ingestion deletes and
 * re-inserts its chunks; ids are AUTOINCREMENT), so its old vectors are removed and its new chunks
 * embedded. The index is created at the first embed, sized by the first vector returned.
 *
 * @throws AppError `UPSTREAM` when the endpoint fails after its retries or returns vectors of the wrong size.
 * @example
 * const cfg = embeddingsFromEnv(process.env)
 * if (cfg) await syncVectors(db, sqlite, cfg, { onProgress: ({ embedded, total }) => bar.update(embedded, { total }) })
 */
export async function syncVectors(db: Kysely<DB>, sqlite: ExtensionLoader | undefined, embedder: Embedder, opts: SyncOptions = {}): Promise<SyncReport> {
  onPostgres(db, sqlite) // loads sqlite-vec on SQLite
  const batchSize = opts.batchSize ?? 256
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AppError('VALIDATION', `batchSize must be a positive integer, got ${batchSize}`)
  let index = await findVectorIndex(db, embedder.model, embedder.dimensions)
  const have = index ? await vectorIds(db, index) : new Set<number>()

  let removed = 0
  if (index && have.size > 0) {
    const existing = new Set((await db.selectFrom('rag_chunks').select('id').execute()).map((r) => r.id))
    const stale = [...have].filter((id) => !existing.has(id))
    await deleteVectors(db, index, stale)
    removed = stale.length
  }

  let scope = db.selectFrom('rag_chunks as c').select('c.id')
  if (opts.collection !== undefined) {
    scope = scope.innerJoin('rag_documents as d', 'd.id', 'c.document_id').where('d.tenant', '=', ragTenant()).where('d.collection', '=', opts.collection)
  }
  const missing = (await scope.orderBy('c.id').execute()).map((r) => r.id).filter((id) => !have.has(id))
  let embedded = 0
  opts.onProgress?.({ embedded, total: missing.length })
  for (let i = 0; i < missing.length; i += batchSize) {
    const ids = missing.slice(i, i + batchSize)
    const rows = await db.selectFrom('rag_chunks as c').innerJoin('rag_documents as d', 'd.id', 'c.document_id')
      .select(['c.id', 'c.text', 'd.title']).where('c.id', 'in', ids).orderBy('c.id').execute()
    if (rows.length === 0) continue
    const vectors = await embed(embedder, rows.map((r) => embeddingText(r.title, r.text)))
    index ??= await ensureVectorIndex(db, sqlite, { model: embedder.model, dimensions: vectors[0]?.length ?? 0 })
    const target = index
    embedded += await insertVectors(db, target, rows.map((r, j) => ({ id: r.id, vector: vectors[j] ?? [] })))
    opts.onProgress?.({ embedded, total: missing.length })
  }
  return { embedded, removed, index }
}

async function embed(embedder: Embedder, texts: string[]): Promise<number[][]> {
  let vectors: number[][]
  try {
    vectors = await embedder.embeddings.embedDocuments(texts)
  } catch (cause) {
    throw new AppError('UPSTREAM', `embedding ${texts.length} chunks with ${embedder.model} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
  if (vectors.length !== texts.length) {
    throw new AppError('UPSTREAM', `the embeddings endpoint returned ${vectors.length} vectors for ${texts.length} texts`)
  }
  return vectors
}
