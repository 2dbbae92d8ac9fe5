import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import { Document } from '@langchain/core/documents'
import { sql, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { RagFtsTables } from '../store/rag-schema.js'
import type { DB } from '../store/schema.js'
import { toFtsQuery } from './fts-query.js'

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
  /** Negated bm25: higher is better; only comparable within one query. */
  score: number
  /** Absolute path of the source file. */
  source: string
}

/** Metadata carried by each Document the retriever returns. */
export type RagHitMetadata = Omit<RagHit, 'chunk'>

export interface FtsRetrieverOptions extends BaseRetrieverInput {
  db: Kysely<DB>
  /** Hits per query (default {@link DEFAULT_K}). */
  k?: number
  /** Search only this collection (default: all). */
  collection?: string
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new AppError('VALIDATION', `k must be an integer in [1, ${MAX_K}], got ${k}`)
  }
  return k
}

/**
 * Keyword retrieval over ingested chunks with SQLite FTS5, ranked by BM25 (title and text,
 * porter-stemmed). Any free text is a valid query: it is reduced to OR-ed quoted words, so FTS5
 * syntax in the input is inert; a query without words returns no hits.
 *
 * @example
 * const retriever = new FtsRetriever({ db, k: 4 })
 * const hits = await retriever.search('write-ahead log checkpoint')
 * const docs = await retriever.invoke('How are runs kept durable?') // Document[] for LangChain
 */
export class FtsRetriever extends BaseRetriever<RagHitMetadata> {
  static override lc_name() {
    return 'FtsRetriever'
  }

  lc_namespace = ['switchyard', 'rag', 'fts_retriever']

  readonly k: number
  readonly collection: string | undefined
  // kept out of the fields passed to super: LangChain serialises those into every trace
  readonly #db: Kysely<DB>

  constructor({ db, k = DEFAULT_K, collection, ...base }: FtsRetrieverOptions) {
    super(base)
    this.#db = db
    this.k = checkK(k)
    this.collection = collection
  }

  /** The best `k` chunks for `query`, best first. */
  async search(query: string, opts: { k?: number } = {}): Promise<RagHit[]> {
    const k = checkK(opts.k ?? this.k)
    const match = toFtsQuery(query)
    if (match === undefined) return []
    let q = this.#db
      .withTables<RagFtsTables>()
      .selectFrom('rag_chunks_fts')
      .innerJoin('rag_chunks as c', 'c.id', 'rag_chunks_fts.rowid')
      .innerJoin('rag_documents as d', 'd.id', 'c.document_id')
      .select([
        'c.id',
        'c.document_id as docId',
        'd.title',
        'c.text as chunk',
        'd.source',
        sql<number>`-bm25(rag_chunks_fts)`.as('score'),
      ])
      .where('rag_chunks_fts.rag_chunks_fts', 'match', match)
    if (this.collection !== undefined) q = q.where('d.collection', '=', this.collection)
    return q.orderBy(sql`bm25(rag_chunks_fts)`).orderBy('c.id').limit(k).execute()
  }

  override async _getRelevantDocuments(query: string): Promise<Document<RagHitMetadata>[]> {
    const hits = await this.search(query)
    return hits.map(
      ({ chunk, ...meta }) => new Document<RagHitMetadata>({ pageContent: chunk, metadata: meta, id: String(meta.id) }),
    )
  }
}
