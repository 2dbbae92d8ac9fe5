import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { chunkSettings } from '../../rag/chunk-text.js'
import { assertCollection, deleteCollection, deleteDocument, listCollections, listDocuments } from '../../rag/collections.js'
import { DEFAULT_K, MAX_K, type RagHit } from '../../rag/fts-retriever.js'
import { createRetriever } from '../../rag/retriever-factory.js'
import { syncVectors } from '../../rag/vector-sync.js'
import { checkCollection, contentHash, writeDocuments, type DocumentInput } from '../../rag/ingest-documents.js'
import { emptyReport, tally } from '../../rag/ingest.js'
import { SearchFilterSchema } from '../../rag/search-filter.js'
import { AppError } from '../../store/app-error.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const RagDocument = z.strictObject({
  /** The caller's id: the document's key unless `source` is given (then kept as metadata `id`). */
  id: z.string().min(1).max(500).optional(),
  /** The document's key within the collection (a URL, a path...); default `id`, else a hash of the text. */
  source: z.string().min(1).max(2000).optional(),
  title: z.string().max(1000).optional(),
  text: z.string(),
  metadata: z.record(z.string().min(1).max(200), Scalar).optional(),
  /** How to chunk the text (default `text`). */
  format: z.enum(['markdown', 'text']).optional(),
})
export const RagDocumentsBody = z.strictObject({
  documents: z.array(RagDocument).min(1).max(1000),
  chunk_size: z.number().int().min(1).optional(),
  chunk_overlap: z.number().int().min(0).optional(),
})
export const RagSearchBody = z.strictObject({
  query: z.string().max(4000),
  k: z.number().int().min(1).max(MAX_K).default(DEFAULT_K),
  /** `source` and `metadata` conditions (the collection comes from the path). */
  filter: SearchFilterSchema.omit({ collection: true }).optional(),
  /** Default: hybrid with an embeddings endpoint, else bm25. */
  mode: z.enum(['bm25', 'vector', 'hybrid']).optional(),
  /** Weights of the two rankings in the reciprocal rank fusion (default 1 each). */
  weights: z.strictObject({ bm25: z.number().min(0).optional(), vector: z.number().min(0).optional() }).optional(),
})
const Page = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

const nameOf = (raw: string) => checkCollection(raw)
const docIdOf = (raw: string) => {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new AppError('VALIDATION', `document id must be a positive integer, got ${JSON.stringify(raw)}`)
  return Number(raw)
}
const firstLine = (text: string) => text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 120)

const hitView = (h: RagHit) => ({
  chunk_id: h.id, document_id: h.docId, title: h.title, chunk: h.chunk, score: h.score, source: h.source, metadata: h.metadata ?? {},
})

/**
 * `/rag/collections`: ingest JSON text documents (same hashing and replace semantics as the CLI's
 * `rag ingest`), list, search (hybrid with an embeddings endpoint, else BM25) and delete. Tenant-scoped: with API keys
 * each tenant has its own collections (the repositories read the request's tenant), another's are NOT_FOUND.
 */
export function ragRoutes({ rt }: AppDeps) {
  const db = rt.store.db
  return new Hono()
    .get('/rag/collections', async (c) => {
      const collections = await listCollections(db)
      return c.json({ collections: collections.map(({ createdAt, ...r }) => ({ ...r, created_at: createdAt })) })
    })
    .post('/rag/collections/:name/documents', zValidator('json', RagDocumentsBody, invalidInput), async (c) => {
      const collection = nameOf(c.req.param('name'))
      const body = c.req.valid('json')
      const settings = chunkSettings({ chunkSize: body.chunk_size, chunkOverlap: body.chunk_overlap })
      const docs: DocumentInput[] = body.documents.map((d) => {
        const title = d.title ?? firstLine(d.text) ?? d.source ?? d.id ?? 'untitled'
        const metadata = { ...d.metadata, ...(d.id !== undefined && d.source !== undefined ? { id: d.id } : {}) }
        return { source: d.source ?? d.id ?? `sha256:${contentHash(title, d.text, metadata)}`, title, text: d.text, metadata, format: d.format ?? 'text' }
      })
      const sources = new Set(docs.map((d) => d.source))
      if (sources.size !== docs.length) throw new AppError('VALIDATION', 'two documents of one request have the same source or id')
      const results = await writeDocuments(db, collection, docs, settings)
      const { added, updated, unchanged, chunks } = tally(emptyReport(), results)
      // with an embeddings endpoint the new chunks get their vectors before the answer
      const synced = rt.embeddings ? await syncVectors(db, rt.store.sqlite, rt.embeddings, { collection }) : undefined
      return c.json({
        collection, added, updated, unchanged, chunks,
        ...(synced ? { vectors: { embedded: synced.embedded, removed: synced.removed } } : {}),
        documents: results.map((r) => ({ id: r.id, source: r.source, outcome: r.outcome, chunk_ids: r.chunkIds })),
      })
    })
    .get('/rag/collections/:name/documents', zValidator('query', Page, invalidInput), async (c) => {
      const page = c.req.valid('query')
      const docs = await listDocuments(db, nameOf(c.req.param('name')), page)
      return c.json({
        documents: docs.map(({ createdAt, updatedAt, ...d }) => ({ ...d, created_at: createdAt, updated_at: updatedAt })),
      })
    })
    .post('/rag/collections/:name/search', zValidator('json', RagSearchBody, invalidInput), async (c) => {
      const collection = nameOf(c.req.param('name'))
      const { query, k, filter, mode, weights } = c.req.valid('json')
      await assertCollection(db, collection)
      const hits = await createRetriever({ db, sqlite: rt.store.sqlite, embeddings: rt.embeddings, k, collection, mode, weights }).search(query, { k, filter })
      return c.json({ hits: hits.map(hitView) })
    })
    .delete('/rag/collections/:name', async (c) => c.json(await deleteCollection(db, nameOf(c.req.param('name')))))
    .delete('/rag/collections/:name/documents/:id', async (c) =>
      c.json(await deleteDocument(db, nameOf(c.req.param('name')), { id: docIdOf(c.req.param('id')) })))
}
