import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import { Document } from '@langchain/core/documents'
import { sql, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { RagFtsTables } from '../store/rag-schema.js'
import type { DB } from '../store/schema.js'
import { dialectOf, type Dialect } from '../store/dialect.js'
import { toFtsQuery, toTsQuery } from './fts-query.js'
import { filterCondition, type SearchFilter } from './search-filter.js'

/** Hits returned when no `k` is given. */
export const DEFAULT_K = 5
/** Upper bound on `k`: beyond it a prompt drowns in context, and a typo should not scan the index. */
export const MAX_K = 100

/** One retrieved chunk, with enough to cite it. */
export interface RagHit {
  /** Chunk id (stable: ids are never reused). */
  id: number
  docId: number
  title: string
  chunk: string
  /**
   * Higher is better; only comparable within one query and one mode: negated bm25 (bm25), cosine
   * similarity (vector) or the fused reciprocal-rank score (hybrid).
   */
  score: number
  /** Absolute path of the source file. */
  source: string
  /** The document's collection (always set by the rag/ retrievers). */
  collection?: string
  /** The document's metadata object, `{}` when it has none (always set by the rag/ retrievers). */
  metadata?: Record<string, unknown>
  /** Per-retriever scores behind a hybrid score: negated bm25 and cosine similarity, when found by each. */
  scores?: { bm25?: number; vector?: number }
}

/** What a hit reads of its chunk `c` and document `d`, beside its score (both engines' searches). */
const HIT_COLUMNS = ['c.id', 'c.document_id as docId', 'd.title', 'c.text as chunk', 'd.source', 'd.collection', sql<string | null>`d.metadata`.as('metadata')] as const

/** Metadata carried by each Document the retrievers return. */
export type RagHitMetadata = Omit<RagHit, 'chunk'>

/** Per-call search options; `k` defaults to the retriever's, `filter` is merged over its filter. */
export interface SearchOptions {
  k?: number
  filter?: SearchFilter
}

export interface FtsRetrieverOptions extends BaseRetrieverInput {
  db: Kysely<DB>
  /** Hits per query (default {@link DEFAULT_K}). */
  k?: number
  /** Search only this collection (default: all); shorthand for `filter.collection`. */
  collection?: string
  /** Applied to every search; a call's filter overrides it field by field (metadata key by key). */
  filter?: SearchFilter
}

export function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new AppError('VALIDATION', `k must be an integer in [1, ${MAX_K}], got ${k}`)
  }
  return k
}

/** A retriever's default filter: `filter`, with `collection` folded in when given. */
export const defaultFilter = (collection: string | undefined, filter: SearchFilter | undefined): SearchFilter | undefined =>
  collection === undefined ? filter : { ...filter, collection }

/** A call's filter on top of the retriever's: the call's fields win, the others still apply. */
export const mergeFilters = (base: SearchFilter | undefined, call: SearchFilter | undefined): SearchFilter | undefined =>
  base === undefined ? call : call === undefined ? base : { ...base, ...call, metadata: { ...base.metadata, ...call.metadata } }

/** The `metadata` column as an object (`{}` for NULL or anything but a JSON object). */
export function parseMetadata(text: string | null | undefined): Record<string, unknown> {
  if (text == null || text === '') return {}
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** Hits as LangChain Documents: the chunk is the content, everything else the metadata. */
export const hitsToDocuments = (hits: RagHit[]): Document<RagHitMetadata>[] =>
  hits.map(({ chunk, ...meta }) => new Document<RagHitMetadata>({ pageContent: chunk, metadata: meta, id: String(meta.id) }))

/**
 * Keyword retrieval over ingested chunks with SQLite FTS5, ranked by BM25 (title and text,
 * porter-stemmed); on a Postgres store with its full-text search instead (see `#searchPostgres`). Any free text is a valid query: it is reduced to OR-ed quoted words, so FTS5
 * syntax in the input is inert; a query without words returns no hits. Filters are applied in the
 * same statement (see {@link filterCondition}).
 *
 * @example
 * const retriever = new FtsRetriever({ db, k: 4 })
 * const hits = await retriever.search('write-ahead log checkpoint', { filter: { collection: 'docs' } })
 * const docs = await retriever.invoke('How are runs kept durable?') // Document[] for LangChain
 */
export class FtsRetriever extends BaseRetriever<RagHitMetadata> {
  static override lc_name() {
    return 'FtsRetriever'
  }

  lc_namespace = ['switchyard', 'rag', 'fts_retriever']

  readonly k: number
  readonly collection: string | undefined
  readonly filter: SearchFilter | undefined
  // kept out of the fields passed to super: LangChain serialises those into every trace
  readonly #db: Kysely<DB>
  readonly #dialect: Dialect

  constructor({ db, k = DEFAULT_K, collection, filter, ...base }: FtsRetrieverOptions) {
    super(base)
    this.#db = db
    this.#dialect = dialectOf(db)
    this.k = checkK(k)
    this.collection = collection
    this.filter = defaultFilter(collection, filter)
  }

  /** The best `k` chunks for `query` among those passing the filter, best first. */
  async search(query: string, opts: SearchOptions = {}): Promise<RagHit[]> {
    const k = checkK(opts.k ?? this.k)
    if (this.#dialect === 'postgres') return this.#searchPostgres(query, k, mergeFilters(this.filter, opts.filter))
    const match = toFtsQuery(query)
    if (match === undefined) return []
    const rows = await this.#db
      .withTables<RagFtsTables>()
      .selectFrom('rag_chunks_fts')
      .innerJoin('rag_chunks as c', 'c.id', 'rag_chunks_fts.rowid')
      .innerJoin('rag_documents as d', 'd.id', 'c.document_id')
      .select([...HIT_COLUMNS, sql<number>`-bm25(rag_chunks_fts)`.as('score')])
      .where('rag_chunks_fts.rag_chunks_fts', 'match', match)
      .where(filterCondition(mergeFilters(this.filter, opts.filter)))
      .orderBy(sql`bm25(rag_chunks_fts)`)
      .orderBy('c.id')
      .limit(k)
      .execute()
    return rows.map((r) => ({ ...r, metadata: parseMetadata(r.metadata) }))
  }

  /**
   * Postgres: the chunks' `search` tsvector (title weighted A, text; english stemming; migration 020) against
   * the OR-ed words, ranked by `ts_rank`. Not BM25: scores differ from SQLite's, the best-first order is alike.
   */
  async #searchPostgres(query: string, k: number, filter: SearchFilter | undefined): Promise<RagHit[]> {
    const words = toTsQuery(query)
    if (words === undefined) return []
    const q = sql`to_tsquery('english', ${words})`
    const rows = await this.#db
      .selectFrom('rag_chunks as c')
      .innerJoin('rag_documents as d', 'd.id', 'c.document_id')
      .select([...HIT_COLUMNS, sql<number>`ts_rank(c.search, ${q})::float8`.as('score')])
      .where(sql<boolean>`c.search @@ ${q}`)
      .where(filterCondition(filter, 'd', 'postgres'))
      .orderBy('score', 'desc')
      .orderBy('c.id')
      .limit(k)
      .execute()
    return rows.map((r) => ({ ...r, metadata: parseMetadata(r.metadata) }))
  }

  override async _getRelevantDocuments(query: string): Promise<Document<RagHitMetadata>[]> {
    return hitsToDocuments(await this.search(query))
  }
}
