import type { EmbeddingsConfig } from '../rag/embeddings.js'
import { AppError } from '../store/app-error.js'
import { loadSqliteVec, type ExtensionLoader } from '../store/sqlite-vec.js'
import { fieldsOf, indexedTexts, indexPaths, type IndexFields } from '../store/store-index-text.js'
import type { StoreItemRepo } from '../store/store-item-repo.js'
import type { ItemVectors } from '../store/store-vectors.js'

type Json = Record<string, unknown>

/** The embeddings side of `/store`: what a put stores and what a query search ranks by. */
export interface StoreIndex {
  /** The vectors an item put with `index` should have; embeds only texts that changed since its last put. */
  vectorsFor(namespace: string[], key: string, item: { value: Json; index: IndexFields }): Promise<ItemVectors | undefined>
  /** Embeds the live items under `prefix` that have no vectors of this model yet, then the query. */
  queryVector(prefix: string[], q: { query: string; filter?: Json }): Promise<{ model: string; values: number[] }>
}

const PENDING_BATCH = 64

/**
 * The store's index over the runtime's embeddings endpoint, or undefined when none is configured
 * (then `query` stays a substring match). Endpoint failures are `UPSTREAM` errors raised before
 * anything is written, so a failed put leaves the item (and its vectors) as they were.
 *
 * @example
 * const index = createStoreIndex(repo, rt.embeddings, rt.store.sqlite)
 * await repo.put(ns, key, value, { index: null, vectors: await index?.vectorsFor(ns, key, { value, index: null }) })
 */
export function createStoreIndex(repo: StoreItemRepo, cfg: EmbeddingsConfig | undefined, sqlite: ExtensionLoader | undefined): StoreIndex | undefined {
  if (cfg === undefined) return undefined
  const model = cfg.dimensions === undefined ? cfg.model : `${cfg.model}:${cfg.dimensions}`
  const embed = (texts: string[]) => embedTexts(cfg, texts)

  async function embedPending(prefix: string[], filter: Json | undefined): Promise<void> {
    for (;;) {
      const items = await repo.pending(prefix, { filter, model, limit: PENDING_BATCH })
      const texts = items.map((i) => indexedTexts(JSON.parse(i.value) as Json, fieldsOf(i.index_fields) ?? []))
      const vectors = await embed(texts.flat().map((t) => t.text))
      let stored = 0
      for (const [n, item] of items.entries()) {
        const mine = vectors.splice(0, texts[n]!.length)
        if (await repo.storePending(item, { model, texts: texts[n]!.map((t, j) => ({ ...t, vector: mine[j] })) })) stored += 1
      }
      // a round that stored nothing met only items changed meanwhile: their puts wrote their vectors
      if (items.length < PENDING_BATCH || stored === 0) return
    }
  }

  return {
    async vectorsFor(namespace, key, { value, index }) {
      const fields = indexPaths(index)
      if (fields === null) return undefined
      const texts = indexedTexts(value, fields)
      const had = await repo.embeddedShas(namespace, key, model)
      const changed = texts.filter((t) => had.get(t.field) !== t.sha)
      const vectors = await embed(changed.map((t) => t.text))
      return { model, texts: texts.map((t) => ({ field: t.field, sha: t.sha, vector: vectors[changed.indexOf(t)] })) }
    },
    async queryVector(prefix, q) {
      // on Postgres (no SQLite handle) the search scores vectors in the process: store/store-vector-search.ts
      if (sqlite !== undefined) loadSqliteVec(sqlite)
      await embedPending(prefix, q.filter)
      const [values] = await embed([q.query])
      return { model, values: values! }
    },
  }
}

async function embedTexts(cfg: EmbeddingsConfig, texts: string[]): Promise<number[][]> {
  if (texts.length === 0) return []
  let vectors: number[][]
  try {
    vectors = await cfg.embeddings.embedDocuments(texts)
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new AppError('UPSTREAM', `the embeddings endpoint failed (${cfg.label}): ${why}`, { cause, details: { model: cfg.model, texts: texts.length } })
  }
  const size = vectors[0]?.length ?? 0
  if (vectors.length !== texts.length || size === 0 || vectors.some((v) => v.length !== size || !v.every(Number.isFinite))) {
    throw new AppError('UPSTREAM', `the embeddings endpoint (${cfg.label}) returned ${vectors.length} vectors of ${size} numbers for ${texts.length} texts`, {
      details: { model: cfg.model },
    })
  }
  return vectors
}
