import type { RagHit } from './fts-retriever.js'

/** The RRF constant of Cormack et al. (2009): damps the head of each ranking; 60 is the usual choice. */
export const DEFAULT_RRF_K = 60

/** Weight of each ranking in the fusion; 0 leaves a ranking out. */
export interface FusionWeights {
  bm25: number
  vector: number
}

export const DEFAULT_WEIGHTS: FusionWeights = Object.freeze({ bm25: 1, vector: 1 })

/**
 * Reciprocal rank fusion of a BM25 and a vector ranking of chunks: each chunk scores
 * Σ weight / (rrfK + rank) over the rankings it appears in (rank from 1), so a chunk found by only
 * one retriever still ranks, and raw scores of different scales never meet. Ties go to the better
 * best rank, then the lower chunk id. The fused hit keeps the component scores in `scores`.
 *
 * @example
 * reciprocalRankFusion({ bm25: ftsHits, vector: vecHits }, { weights: { bm25: 1, vector: 0.5 } }).slice(0, 10)
 */
export function reciprocalRankFusion(
  rankings: { bm25: RagHit[]; vector: RagHit[] },
  opts: { weights?: Partial<FusionWeights>; rrfK?: number } = {},
): RagHit[] {
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights }
  const rrfK = opts.rrfK ?? DEFAULT_RRF_K
  const fused = new Map<number, { hit: RagHit; score: number; best: number; scores: { bm25?: number; vector?: number } }>()
  for (const source of ['bm25', 'vector'] as const) {
    const weight = weights[source]
    if (weight === 0) continue
    rankings[source].forEach((hit, i) => {
      const rank = i + 1
      const entry = fused.get(hit.id) ?? { hit, score: 0, best: rank, scores: {} }
      entry.score += weight / (rrfK + rank)
      entry.best = Math.min(entry.best, rank)
      entry.scores[source] = hit.score
      fused.set(hit.id, entry)
    })
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || a.hit.id - b.hit.id)
    .map(({ hit, score, scores }) => ({ ...hit, score, scores }))
}

/** Checks fusion settings: weights finite and ≥ 0, not both 0; rrfK finite and ≥ 0. Returns an error message or undefined. */
export function fusionProblem(weights: FusionWeights, rrfK: number): string | undefined {
  for (const [name, w] of Object.entries(weights)) {
    if (!Number.isFinite(w) || w < 0) return `weight ${name} must be a finite number ≥ 0, got ${w}`
  }
  if (weights.bm25 === 0 && weights.vector === 0) return 'at least one fusion weight must be above 0'
  if (!Number.isFinite(rrfK) || rrfK < 0) return `rrfK must be a finite number ≥ 0, got ${rrfK}`
  return undefined
}
