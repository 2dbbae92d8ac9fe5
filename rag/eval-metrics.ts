/**
 * Ranking metrics as trec_eval / pytrec_eval compute them (the figures BEIR publishes):
 * - nDCG@k: gain = graded relevance `rel` (linear, trec_eval's default), discount log2(rank + 1);
 *   the ideal ranking is every judged document with rel > 0, best first, cut at k.
 * - Recall@k: relevant (rel > 0) documents in the top k over all relevant documents.
 * - MRR@k: 1 / rank of the first relevant document in the top k, 0 if none.
 * A ranking is a list of document ids, best first; judgements map document id → rel.
 */

/** Judgements of one query: document id → graded relevance (≤ 0: not relevant). */
export type Judgements = ReadonlyMap<string, number>

const gain = (rel: number | undefined) => (rel !== undefined && rel > 0 ? rel : 0)

function dcg(gains: number[]): number {
  let sum = 0
  for (let i = 0; i < gains.length; i++) sum += gains[i]! / Math.log2(i + 2)
  return sum
}

/**
 * Normalised discounted cumulative gain at `k`; 0 for a query without relevant documents.
 *
 * @example
 * ndcgAt(['d3', 'd1'], new Map([['d1', 2], ['d2', 1]]), 10) // (0 + 2/log2 3) / (2 + 1/log2 3)
 */
export function ndcgAt(ranking: readonly string[], judged: Judgements, k: number): number {
  const ideal = [...judged.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, k)
  const idcg = dcg(ideal)
  if (idcg === 0) return 0
  return dcg(ranking.slice(0, k).map((id) => gain(judged.get(id)))) / idcg
}

/** Share of the relevant documents found in the top `k`; 0 for a query without relevant documents. */
export function recallAt(ranking: readonly string[], judged: Judgements, k: number): number {
  let relevant = 0
  for (const r of judged.values()) if (r > 0) relevant++
  if (relevant === 0) return 0
  let found = 0
  for (const id of new Set(ranking.slice(0, k))) if (gain(judged.get(id)) > 0) found++
  return found / relevant
}

/** Reciprocal rank of the first relevant document within the top `k`, else 0. */
export function mrrAt(ranking: readonly string[], judged: Judgements, k: number): number {
  const top = ranking.slice(0, k)
  for (let i = 0; i < top.length; i++) if (gain(judged.get(top[i]!)) > 0) return 1 / (i + 1)
  return 0
}

/** True when a query has at least one relevant judgement (only those are evaluated, as trec_eval does). */
export const hasRelevant = (judged: Judgements) => [...judged.values()].some((r) => r > 0)

/**
 * Nearest-rank percentile (p in (0, 100]) of a sample: the smallest value with at least p% of the
 * sample at or below it. NaN for an empty sample.
 */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN
  const sorted = [...sample].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)
