import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../store/dialect.js'
import type { DB } from '../store/schema.js'
import { cosineDistance } from '../store/store-vector-search.js'
import { parseMetadata, type RagHit } from './fts-retriever.js'
import { ragTenant } from './rag-tenant.js'
import { filterCondition, isFiltered, type SearchFilter } from './search-filter.js'
import { toVectorBlob, type RagVectorTables, type VectorIndex } from './vector-index.js'

interface Row {
  /** null for a stale vector (its chunk is gone; LEFT JOIN) */
  id: number | null
  docId: number
  title: string
  chunk: string
  source: string
  collection: string
  /** another tenant's chunk may take a place in an unfiltered KNN: then it runs again prefiltered */
  tenant: string | null
  metadata: string | null
  distance: number
}

/**
 * The `k` chunks nearest to `vector` in `index` (cosine), nearest first, as hits whose `score` is
 * the cosine similarity (1 − distance). Needs the sqlite-vec extension on the connection.
 *
 * A filter is a **prefilter**, exact: the KNN runs with `rowid IN (<ids of the chunks passing the
 * filter>)`, which sqlite-vec 0.1.9 evaluates inside its scan, so a selective filter still returns
 * `k` hits when `k` exist (an over-fetch-then-filter would lose them). Without a filter the KNN
 * scans everything; if vectors of deleted chunks (not yet removed by a sync) took places in the
 * top `k`, the search runs again prefiltered on the existing chunks, so they are never returned.
 *
 * @example
 * const hits = await vectorSearch(db, index, await embeddings.embedQuery('durable runs'), { k: 5, filter: { collection: 'docs' } })
 */
export async function vectorSearch(
  db: Kysely<DB>,
  index: VectorIndex,
  vector: ArrayLike<number>,
  opts: { k: number; filter?: SearchFilter },
): Promise<RagHit[]> {
  const blob = toVectorBlob(index, vector)
  if (dialectOf(db) === 'postgres') return scanSearch(db, index, blob, opts)
  const filtered = isFiltered(opts.filter)
  let rows = await knn(db, index, blob, opts.k, filtered ? opts.filter : undefined, filtered)
  // a row without a chunk is the vector of a chunk deleted since the last sync, or another tenant's: it took a place in the top k
  const tenant = ragTenant()
  if (!filtered && rows.some((r) => r.id === null || r.tenant !== tenant)) rows = await knn(db, index, blob, opts.k, undefined, true)
  return rows.flatMap(({ id, distance, metadata, tenant: _t, ...r }) =>
    id === null ? [] : [{ id, ...r, metadata: parseMetadata(metadata), score: 1 - distance }])
}

async function knn(
  db: Kysely<DB>,
  index: VectorIndex,
  blob: Float32Array,
  k: number,
  filter: SearchFilter | undefined,
  prefilter: boolean,
): Promise<Row[]> {
  const allowed = prefilter
    ? sql`AND rowid IN (SELECT c.id FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id WHERE ${filterCondition(filter)})`
    : sql``
  const { rows } = await sql<Row>`
    WITH knn AS (
      SELECT rowid AS id, distance FROM ${sql.table(index.table)}
      WHERE embedding MATCH ${blob} AND k = ${k} ${allowed}
    )
    SELECT c.id, c.document_id AS docId, d.title, c.text AS chunk, d.source, d.collection, d.tenant, d.metadata, knn.distance
    FROM knn
    LEFT JOIN rag_chunks c ON c.id = knn.id
    LEFT JOIN rag_documents d ON d.id = c.document_id
    ORDER BY knn.distance, c.id`.execute(db)
  return rows
}

/**
 * {@link vectorSearch} on Postgres without pgvector: the vectors of the chunks passing the filter (and the
 * tenant) are read and scored here by cosine distance in float32, as sqlite-vec scores them; exact, O(chunks
 * in scope) per search. Vectors of deleted chunks cannot be returned: they go with their chunk (cascade).
 */
async function scanSearch(db: Kysely<DB>, index: VectorIndex, query: Float32Array, opts: { k: number; filter?: SearchFilter }): Promise<RagHit[]> {
  const rows = await db.withTables<RagVectorTables>()
    .selectFrom('rag_chunk_vectors as v')
    .innerJoin('rag_chunks as c', 'c.id', 'v.chunk_id')
    .innerJoin('rag_documents as d', 'd.id', 'c.document_id')
    .select(['c.id', 'c.document_id as docId', 'd.title', 'c.text as chunk', 'd.source', 'd.collection', 'd.metadata', 'v.embedding'])
    .where('v.index_id', '=', index.id)
    .where(filterCondition(opts.filter, 'd', 'postgres'))
    .execute()
  return rows
    .map(({ embedding, metadata, ...r }) => ({ ...r, metadata: parseMetadata(metadata), score: 1 - cosineDistance(query, embedding) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, opts.k)
}
