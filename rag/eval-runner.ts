import type Database from 'better-sqlite3'
import { AppError } from '../store/app-error.js'
import type { BeirDataset, BeirDoc } from './beir-reader.js'
import { bulkLoad, type BulkLoadReport } from './bulk-load.js'
import { hasRelevant, mean, mrrAt, ndcgAt, percentile, recallAt } from './eval-metrics.js'
import type { RagHit } from './fts-retriever.js'

/** The one thing the eval needs from a retriever (FtsRetriever and the vector/hybrid ones have it). */
export interface EvalRetriever {
  search(query: string, opts: { k: number }): Promise<Pick<RagHit, 'source' | 'score'>[]>
}

export interface EvalOptions {
  /** Cut-off of nDCG and MRR (default 10). */
  k?: number
  /** Documents retrieved per query, and the cut-off of recall (default 100). */
  depth?: number
  /** Evaluate only the first N judged queries (in qrels order). */
  limitQueries?: number
  /** Drop a hit whose document id equals the query id, as BEIR does by default (matters for ArguAna). */
  ignoreIdenticalIds?: boolean
  /** Queries run first and not measured, so latency is not the cold start (default 5). */
  warmup?: number
}

export interface QueryScore {
  id: string
  ndcg: number
  recall: number
  mrr: number
  ms: number
}

export interface EvalMetrics {
  k: number
  depth: number
  /** Queries evaluated: those of the split with at least one relevant judgement. */
  queries: number
  ndcg: number
  recall: number
  mrr: number
  latency: { p50Ms: number; p99Ms: number; meanMs: number }
  perQuery: QueryScore[]
}

/**
 * Document ranking from chunk hits: a document scores its best chunk (max), best first; ties keep
 * the retriever's order. Documents are named by `source` (the BEIR corpus id when bulk-loaded).
 */
export function rankDocuments(hits: readonly Pick<RagHit, 'source' | 'score'>[]): string[] {
  const best = new Map<string, { score: number; at: number }>()
  hits.forEach((h, at) => {
    const cur = best.get(h.source)
    if (cur === undefined) best.set(h.source, { score: h.score, at })
    else if (h.score > cur.score) cur.score = h.score
  })
  return [...best].sort((a, b) => b[1].score - a[1].score || a[1].at - b[1].at).map(([id]) => id)
}

/**
 * Loads a BEIR corpus for evaluation: one document per entry, `source` = corpus id, title kept
 * apart (FTS5 indexes title and text as two columns), not chunked (BEIR practice).
 */
export function loadBeirCorpus(sqlite: Database.Database, corpus: readonly BeirDoc[], collection: string): Promise<BulkLoadReport> {
  return bulkLoad(sqlite, corpus.map((d) => ({ source: d.id, title: d.title, text: d.text })), { collection })
}

/**
 * Runs every judged query of the split through `retriever` and averages nDCG@k, Recall@depth and
 * MRR@k over them (a query that returns nothing scores 0), with per-query latency of `search`.
 * A judged query missing from queries.jsonl is `AppError('VALIDATION')`.
 */
export async function evaluateRetriever(
  data: Pick<BeirDataset, 'queries' | 'qrels'>,
  retriever: EvalRetriever,
  opts: EvalOptions = {},
): Promise<EvalMetrics> {
  const k = opts.k ?? 10
  const depth = opts.depth ?? 100
  const ignoreSelf = opts.ignoreIdenticalIds ?? true
  let judged = [...data.qrels].filter(([, j]) => hasRelevant(j))
  if (opts.limitQueries !== undefined) judged = judged.slice(0, opts.limitQueries)
  const missing = judged.find(([id]) => !data.queries.has(id))
  if (missing) throw new AppError('VALIDATION', `qrels judge query "${missing[0]}", which queries.jsonl does not have`)

  for (const [id] of judged.slice(0, opts.warmup ?? 5)) await retriever.search(data.queries.get(id)!, { k: depth })
  const perQuery: QueryScore[] = []
  for (const [id, judgements] of judged) {
    const t0 = performance.now()
    const hits = await retriever.search(data.queries.get(id)!, { k: depth })
    const ms = performance.now() - t0
    const ranking = rankDocuments(hits).filter((doc) => !(ignoreSelf && doc === id)).slice(0, depth)
    perQuery.push({ id, ms, ndcg: ndcgAt(ranking, judgements, k), recall: recallAt(ranking, judgements, depth), mrr: mrrAt(ranking, judgements, k) })
  }
  const ms = perQuery.map((q) => q.ms)
  return {
    k,
    depth,
    queries: perQuery.length,
    ndcg: mean(perQuery.map((q) => q.ndcg)),
    recall: mean(perQuery.map((q) => q.recall)),
    mrr: mean(perQuery.map((q) => q.mrr)),
    latency: { p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), meanMs: mean(ms) },
    perQuery,
  }
}
