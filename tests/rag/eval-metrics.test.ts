import { describe, expect, it } from 'vitest'
import { hasRelevant, mean, mrrAt, ndcgAt, percentile, recallAt } from '../../rag/eval-metrics.js'

const judged = new Map([['a', 2], ['b', 1], ['c', 0], ['d', 1]])
const L2 = Math.log2

describe('ndcgAt (trec_eval: linear gains, log2(rank + 1) discount)', () => {
  it('is 1 for the ideal ranking and ignores unjudged documents', () => {
    expect(ndcgAt(['a', 'b', 'd'], judged, 10)).toBeCloseTo(1, 12)
    expect(ndcgAt(['a', 'd', 'b', 'x', 'c'], judged, 10)).toBeCloseTo(1, 12)
  })
  it('matches a hand computation for a shuffled ranking', () => {
    // ranks: x(0) b(1) c(0) a(2) → DCG = 1/log2 3 + 2/log2 5; ideal 2,1,1 → 2 + 1/log2 3 + 1/log2 4
    const want = (1 / L2(3) + 2 / L2(5)) / (2 + 1 / L2(3) + 1 / 2)
    expect(ndcgAt(['x', 'b', 'c', 'a'], judged, 10)).toBeCloseTo(want, 12)
    expect(want).toBeCloseTo(0.4766, 4) // 1.49228 / 3.13093
  })
  it('cuts both the ranking and the ideal at k', () => {
    // k = 2: DCG = 0 + 1/log2 3; ideal = 2 + 1/log2 3
    expect(ndcgAt(['x', 'b', 'a'], judged, 2)).toBeCloseTo((1 / L2(3)) / (2 + 1 / L2(3)), 12)
    expect(ndcgAt(['b'], judged, 1)).toBeCloseTo(0.5, 12)
  })
  it('is 0 without relevant judgements or without hits', () => {
    expect(ndcgAt(['c'], new Map([['c', 0]]), 10)).toBe(0)
    expect(ndcgAt([], judged, 10)).toBe(0)
  })
})

describe('recallAt', () => {
  it('counts relevant (score > 0) documents found in the top k over all relevant', () => {
    expect(recallAt(['a', 'c', 'x'], judged, 100)).toBeCloseTo(1 / 3, 12)
    expect(recallAt(['x', 'c', 'b', 'd', 'a'], judged, 3)).toBeCloseTo(1 / 3, 12)
    expect(recallAt(['d', 'a', 'b'], judged, 100)).toBe(1)
    expect(recallAt(['a', 'a'], judged, 100)).toBeCloseTo(1 / 3, 12)
    expect(recallAt(['a'], new Map([['a', 0]]), 100)).toBe(0)
  })
})

describe('mrrAt', () => {
  it('is one over the rank of the first relevant document within k', () => {
    expect(mrrAt(['a'], judged, 10)).toBe(1)
    expect(mrrAt(['x', 'c', 'd'], judged, 10)).toBeCloseTo(1 / 3, 12)
    expect(mrrAt(['x', 'c', 'd'], judged, 2)).toBe(0)
    expect(mrrAt([], judged, 10)).toBe(0)
  })
})

describe('helpers', () => {
  it('percentile is nearest-rank', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10]
    expect(percentile(xs, 50)).toBe(5)
    expect(percentile(xs, 99)).toBe(10)
    expect(percentile(xs, 10)).toBe(1)
    expect(percentile([3], 99)).toBe(3)
    expect(percentile([], 50)).toBeNaN()
  })
  it('mean and hasRelevant', () => {
    expect(mean([1, 2, 3, 6])).toBe(3)
    expect(hasRelevant(judged)).toBe(true)
    expect(hasRelevant(new Map([['c', 0]]))).toBe(false)
  })
})
