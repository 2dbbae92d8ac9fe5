import type { Document } from '@langchain/core/documents'
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import type { Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import {
  checkK, DEFAULT_K, defaultFilter, FtsRetriever, hitsToDocuments, MAX_K, mergeFilters,
  type RagHit, type RagHitMetadata, type SearchOptions,
} from './fts-retriever.js'
import { DEFAULT_RRF_K, DEFAULT_WEIGHTS, fusionProblem, reciprocalRankFusion, type FusionWeights } from './rrf.js'
import type { SearchFilter } from './search-filter.js'
import type { ExtensionLoader } from './sqlite-vec.js'
import { findVectorIndex, onPostgres, type VectorIndex } from './vector-index.js'
import { vectorSearch } from './vector-search.js'
import type { Embedder } from './vector-sync.js'

/** `bm25`: FTS5 only; `vector`: sqlite-vec KNN only; `hybrid`: both, fused by reciprocal rank. */
export type RetrievalMode = 'bm25' | 'vector' | 'hybrid'
export const RETRIEVAL_MODES = ['bm25', 'vector', 'hybrid'] as const satisfies readonly RetrievalMode[]

export interface HybridRetrieverOptions extends BaseRetrieverInput {
  db: Kysely<DB>
  /** The raw handle behind `db`, to load sqlite-vec into; undefined on a Postgres store. */
  sqlite: ExtensionLoader | undefined
  embedder: Embedder
  mode?: RetrievalMode
  /** Default `{ bm25: 1, vector: 1 }`. */
  weights?: Partial<FusionWeights>
  /** RRF constant, default {@link DEFAULT_RRF_K}. */
  rrfK?: number
  k?: number
  collection?: string
  filter?: SearchFilter
  /** Candidates taken from each ranking before fusion (default max(4k, 50), at most 100). */
  depth?: number
  /** Called when the query cannot be embedded in hybrid mode (the search then answers with BM25 alone); default: a process warning. */
  onVectorError?: (error: AppError) => void
}

/**
 * BM25 (FTS5) and vector (sqlite-vec) retrieval fused with reciprocal rank fusion, as a LangChain
 * retriever. Filters apply inside both searches (see `filterCondition` and `vectorSearch`). While
 * the model has no vector index yet (nothing synced), `hybrid` answers as `bm25` and `vector`
 * returns nothing. Hit scores are the fused RRF scores; `scores` keeps each ranking's own.
 *
 * @example
 * const r = new HybridRetriever({ db, sqlite, embedder: embeddingsFromEnv()!, weights: { bm25: 1, vector: 0.7 } })
 * await r.search('how do runs survive a crash', { k: 5, filter: { metadata: { lang: 'en' } } })
 */
export class HybridRetriever extends BaseRetriever<RagHitMetadata> {
  static override lc_name() {
    return 'HybridRetriever'
  }

  lc_namespace = ['switchyard', 'rag', 'hybrid_retriever']

  readonly k: number
  readonly mode: RetrievalMode
  readonly weights: FusionWeights
  readonly rrfK: number
  readonly filter: SearchFilter | undefined
  readonly depth: number | undefined
  readonly #db: Kysely<DB>
  readonly #embedder: Embedder
  readonly #fts: FtsRetriever
  readonly #onVectorError: (error: AppError) => void
  #index: VectorIndex | undefined

  constructor({ db, sqlite, embedder, mode = 'hybrid', weights, rrfK = DEFAULT_RRF_K, k = DEFAULT_K, collection, filter, depth, onVectorError, ...base }: HybridRetrieverOptions) {
    super(base)
    if (!RETRIEVAL_MODES.includes(mode)) throw new AppError('VALIDATION', `mode must be one of ${RETRIEVAL_MODES.join(', ')}, got ${String(mode)}`)
    this.weights = Object.freeze({ ...DEFAULT_WEIGHTS, ...weights })
    const problem = fusionProblem(this.weights, rrfK)
    if (problem) throw new AppError('VALIDATION', problem)
    if (depth !== undefined) checkK(depth)
    onPostgres(db, sqlite) // loads sqlite-vec on SQLite
    this.#db = db
    this.#embedder = embedder
    this.mode = mode
    this.rrfK = rrfK
    this.k = checkK(k)
    this.depth = depth
    this.filter = defaultFilter(collection, filter)
    this.#fts = new FtsRetriever({ db })
    this.#onVectorError = onVectorError ?? ((e) => process.emitWarning(e.message, { code: 'SWITCHYARD_EMBEDDINGS' }))
  }

  /** The mode searches run in now: `hybrid` and `vector` need the model's index to exist. */
  async effectiveMode(): Promise<RetrievalMode | 'none'> {
    if (this.mode === 'bm25') return 'bm25'
    if ((await this.#vectorIndex()) === undefined) return this.mode === 'hybrid' ? 'bm25' : 'none'
    return this.mode
  }

  /** The best `k` chunks for `query` among those passing the filter, best first. */
  async search(query: string, opts: SearchOptions = {}): Promise<RagHit[]> {
    const k = checkK(opts.k ?? this.k)
    const filter = mergeFilters(this.filter, opts.filter)
    if (this.mode === 'bm25') return this.#fts.search(query, { k, filter })
    const index = query.trim() === '' ? undefined : await this.#vectorIndex()
    if (this.mode === 'vector') return index ? this.#vectors(index, query, k, filter) : []
    if (index === undefined) return this.#fts.search(query, { k, filter })
    const depth = this.depth ?? Math.min(MAX_K, Math.max(4 * k, 50))
    const [bm25, vector] = await Promise.all([
      this.#fts.search(query, { k: depth, filter }),
      this.#vectors(index, query, depth, filter).catch((e: unknown) => {
        if (!(e instanceof AppError) || e.code !== 'UPSTREAM') throw e
        this.#onVectorError(e)
        return []
      }),
    ])
    return reciprocalRankFusion({ bm25, vector }, { weights: this.weights, rrfK: this.rrfK }).slice(0, k)
  }

  override async _getRelevantDocuments(query: string): Promise<Document<RagHitMetadata>[]> {
    return hitsToDocuments(await this.search(query))
  }

  async #vectors(index: VectorIndex, query: string, k: number, filter: SearchFilter | undefined): Promise<RagHit[]> {
    let vector: number[]
    try {
      vector = await this.#embedder.embeddings.embedQuery(query)
    } catch (cause) {
      throw new AppError('UPSTREAM', `embedding the query with ${this.#embedder.model} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    return vectorSearch(this.#db, index, vector, { k, filter })
  }

  async #vectorIndex(): Promise<VectorIndex | undefined> {
    // cached once found: an index is never dropped under a running retriever (dropVectorIndex is an admin step)
    this.#index ??= await findVectorIndex(this.#db, this.#embedder.model, this.#embedder.dimensions)
    return this.#index
  }
}
