import type { Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import { dialectOf } from '../store/dialect.js'
import type { DB } from '../store/schema.js'
import { FtsRetriever } from './fts-retriever.js'
import { HybridRetriever, type RetrievalMode } from './hybrid-retriever.js'
import type { FusionWeights } from './rrf.js'
import type { SearchFilter } from './search-filter.js'
import { trySqliteVec, type ExtensionLoader } from './sqlite-vec.js'
import type { Embedder } from './vector-sync.js'

/** What every rag/ retriever offers: LangChain's `invoke` (it is a `BaseRetriever`) and `search`. */
export type RagRetriever = FtsRetriever | HybridRetriever

export interface CreateRetrieverOptions {
  db: Kysely<DB>
  /** The raw better-sqlite3 handle (`openDb(...).sqlite`); on SQLite, without it there are no vectors. Postgres needs none. */
  sqlite?: ExtensionLoader
  /** Default: `hybrid` when `embeddings` is given and sqlite-vec loads, else `bm25`. */
  mode?: RetrievalMode
  /** From `embeddingsFromEnv`; undefined = lexical only. */
  embeddings?: Embedder
  weights?: Partial<FusionWeights>
  rrfK?: number
  k?: number
  collection?: string
  filter?: SearchFilter
}

/**
 * The retriever for a store: BM25 unless embeddings are configured, then hybrid (which answers as
 * BM25 until `syncVectors` has embedded something, and fuses both from then on, without a restart).
 * An explicit `vector` or `hybrid` mode without embeddings or without sqlite-vec is an error, not a
 * silent downgrade.
 *
 * @throws AppError `VALIDATION` for a mode that cannot be served.
 * @example
 * const { db, sqlite } = await openDb(path)
 * const retriever = createRetriever({ db, sqlite, embeddings: embeddingsFromEnv(process.env) })
 * await retriever.search('durable runs', { k: 5 })
 */
export function createRetriever(opts: CreateRetrieverOptions): RagRetriever {
  const { db, sqlite, embeddings, k, collection, filter } = opts
  const pg = dialectOf(db) === 'postgres'
  const vectors = embeddings !== undefined && (pg || trySqliteVec(sqlite))
  const mode = opts.mode ?? (vectors ? 'hybrid' : 'bm25')
  if (mode === 'bm25') return new FtsRetriever({ db, k, collection, filter })
  if (embeddings === undefined) {
    throw new AppError('VALIDATION', `retrieval mode ${mode} needs an embeddings model: set SWITCHYARD_EMBEDDINGS_MODEL`)
  }
  if (!vectors || (!pg && sqlite === undefined)) {
    throw new AppError('VALIDATION', `retrieval mode ${mode} needs the sqlite-vec extension, which could not be loaded`)
  }
  return new HybridRetriever({ db, sqlite, embedder: embeddings, mode, weights: opts.weights, rrfK: opts.rrfK, k, collection, filter })
}

