import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBeir, type BeirDataset } from '../../rag/beir-reader.js'
import { mrrAt, ndcgAt, recallAt } from '../../rag/eval-metrics.js'
import { evaluateRetriever, loadBeirCorpus, rankDocuments, type EvalMetrics } from '../../rag/eval-runner.js'
import { setFtsTokenizer } from '../../rag/eval-tokenizer.js'
import { FtsRetriever, MAX_K } from '../../rag/fts-retriever.js'
import { openTempRag, type TempRag } from './temp-db.js'

const BEIR_MINI = join(import.meta.dirname, 'fixtures', 'beir-mini')

describe('rankDocuments', () => {
  it('scores a document by its best chunk, best first, keeping retriever order on ties', () => {
    const hits = [{ source: 'a', score: 3 }, { source: 'b', score: 5 }, { source: 'a', score: 6 }, { source: 'c', score: 3 }, { source: 'd', score: 3 }]
    expect(rankDocuments(hits)).toEqual(['a', 'b', 'c', 'd'])
    expect(rankDocuments([])).toEqual([])
  })
})

describe('evaluateRetriever on beir-mini (bm25, real SQLite file)', () => {
  let t: TempRag
  let data: BeirDataset
  let m: EvalMetrics
  let fts: FtsRetriever
  beforeAll(async () => {
    t = await openTempRag()
    data = await readBeir(BEIR_MINI)
    const load = await loadBeirCorpus(t.store.sqlite, data.corpus, 'beir-mini')
    expect(load).toMatchObject({ documents: 42, chunks: 42 })
    fts = new FtsRetriever({ db: t.store.db, k: MAX_K })
    m = await evaluateRetriever(data, fts)
  })
  afterAll(async () => { await t.cleanup() })

  it('evaluates the queries with a relevant judgement (q14 has none, q99 is unjudged)', () => {
    expect(m.queries).toBe(13)
    expect(m.perQuery.map((q) => q.id)).not.toContain('q14')
    expect([m.k, m.depth]).toEqual([10, 100])
  })

  it('reports figures in [0, 1] that equal a recomputation from the retriever and the metrics', async () => {
    for (const x of [m.ndcg, m.recall, m.mrr]) {
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThanOrEqual(1)
    }
    const again = { ndcg: 0, recall: 0, mrr: 0 }
    for (const q of m.perQuery) {
      const ranking = rankDocuments(await fts.search(data.queries.get(q.id)!, { k: 100 }))
      const j = data.qrels.get(q.id)!
      expect(q.ndcg).toBeCloseTo(ndcgAt(ranking, j, 10), 12)
      again.ndcg += ndcgAt(ranking, j, 10) / m.queries
      again.recall += recallAt(ranking, j, 100) / m.queries
      again.mrr += mrrAt(ranking, j, 10) / m.queries
    }
    expect(m.ndcg).toBeCloseTo(again.ndcg, 12)
    expect(m.recall).toBeCloseTo(again.recall, 12)
    expect(m.mrr).toBeCloseTo(again.mrr, 12)
    // the fixture is easy for BM25: most queries share words with their best document
    expect(m.ndcg).toBeGreaterThan(0.6)
    expect(m.perQuery.find((q) => q.id === 'q4')!.mrr).toBe(1)
    expect(m.latency.p50Ms).toBeGreaterThan(0)
    expect(m.latency.p99Ms).toBeGreaterThanOrEqual(m.latency.p50Ms)
  })

  it('honours limitQueries, and refuses qrels that judge an unknown query', async () => {
    expect((await evaluateRetriever(data, fts, { limitQueries: 3 })).perQuery.map((q) => q.id)).toEqual(['q1', 'q2', 'q3'])
    const broken = { queries: new Map(), qrels: new Map([['qx', new Map([['d01', 1]])]]) }
    await expect(evaluateRetriever(broken, fts)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"qx"') })
  })

  it('drops a hit whose id equals the query id (BEIR ignore_identical_ids)', async () => {
    const self = { search: async () => [{ source: 'q', score: 9 }, { source: 'd', score: 1 }] }
    const r = await evaluateRetriever({ queries: new Map([['q', 'x']]), qrels: new Map([['q', new Map([['d', 1]])]]) }, self)
    expect(r.mrr).toBe(1)
  })

  it('can rebuild the index with the unicode61 tokenizer (no stemming)', async () => {
    const s = await openTempRag()
    try {
      setFtsTokenizer(s.store.sqlite, 'unicode61')
      await loadBeirCorpus(s.store.sqlite, data.corpus, 'beir-mini')
      const r = new FtsRetriever({ db: s.store.db })
      // porter finds "suffixes" for "suffix"; unicode61 only the exact word
      expect((await fts.search('suffix')).map((h) => h.source)).toEqual(['d07'])
      expect(await r.search('suffix')).toEqual([])
      expect((await r.search('suffixes')).map((h) => h.source)).toEqual(['d07'])
    } finally {
      await s.cleanup()
    }
  })
})
