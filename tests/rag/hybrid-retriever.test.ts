import { Document } from '@langchain/core/documents'
import { BaseRetriever } from '@langchain/core/retrievers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../../rag/embeddings.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { HybridRetriever } from '../../rag/hybrid-retriever.js'
import { reciprocalRankFusion } from '../../rag/rrf.js'
import { SearchFilterSchema } from '../../rag/search-filter.js'
import { syncVectors } from '../../rag/vector-sync.js'
import { isAppError } from '../../store/app-error.js'
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings-server.js'
import { openTempRag, type TempRag } from './temp-db.js'
import { addDocs } from './vector-fixtures.js'

// the fake folds these onto "car": only the vectors know an automobile is a car
const SYNONYMS = { automobile: 'car', vehicle: 'car', motorcar: 'car' }
const DOCS = [
  { collection: 'garage', source: '/auto.md', title: 'x', chunks: ['automobile vehicle motorcar'], metadata: { lang: 'en', year: 2024 } },
  { collection: 'garage', source: '/pool.md', title: 'x', chunks: ['car pool rota schedule names list'], metadata: { lang: 'de', year: 2023 } },
  { collection: 'sea', source: '/fish.md', title: 'x', chunks: ['fish whales dolphins'], metadata: { lang: 'en', tags: 'ocean' } },
  { collection: 'sea', source: '/boat.md', title: 'x', chunks: ['boats sails anchors ferry'], metadata: { lang: 'fr', draft: true } },
  { collection: 'orchard', source: '/fruit.md', title: 'x', chunks: ['plums pears apples'] },
]

describe('HybridRetriever (BM25 + sqlite-vec, fused by RRF)', () => {
  let fake: FakeEmbeddings
  let t: TempRag
  let cfg: EmbeddingsConfig
  const make = (o: Partial<ConstructorParameters<typeof HybridRetriever>[0]> = {}) =>
    new HybridRetriever({ db: t.store.db, sqlite: t.store.sqlite, embedder: cfg, ...o })

  beforeAll(async () => {
    fake = await startFakeEmbeddings({ dimensions: 256, synonyms: SYNONYMS })
    cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake', OPENAI_BASE_URL: fake.url })!
    t = await openTempRag()
    await addDocs(t.store.db, DOCS)
  })
  afterAll(async () => {
    await t.cleanup()
    await fake.close()
  })

  it('answers as BM25 until vectors exist, then fuses both', async () => {
    const r = make()
    expect(await r.effectiveMode()).toBe('bm25')
    expect(await make({ mode: 'vector' }).search('car')).toEqual([])
    expect((await r.search('car')).map((h) => h.source)).not.toContain('/auto.md')
    await syncVectors(t.store.db, t.store.sqlite, cfg)
    expect(await make().effectiveMode()).toBe('hybrid')
  })

  it('keeps a chunk found only by vectors and one found only by BM25', async () => {
    const hits = await make({ depth: 1, k: 5 }).search('car')
    expect(hits.map((h) => h.source)).toEqual(['/auto.md', '/pool.md'])
    // cosine of 'car' with 'x car car car' (the title is embedded too) is 3 / √10
    expect(hits[0]?.scores).toEqual({ vector: expect.closeTo(3 / Math.sqrt(10), 5) })
    expect(hits[1]?.scores).toEqual({ bm25: expect.any(Number) })
    expect(hits[0]?.score).toBeCloseTo(1 / 61, 10)
    // with the default depth the vector list holds every chunk: the BM25 hits are found by both
    const deep = await make({ k: 5 }).search('car')
    expect(deep.slice(0, 2).map((h) => h.source).sort()).toEqual(['/auto.md', '/pool.md'])
    expect(deep.find((h) => h.source === '/pool.md')?.scores).toEqual({ bm25: expect.any(Number), vector: expect.any(Number) })
  })

  it('shifts the order with the weights; bm25 and vector modes give each ranking alone', async () => {
    const top = async (weights: { bm25?: number; vector?: number }) => (await make({ depth: 1, weights }).search('car'))[0]?.source
    expect(await top({ bm25: 2 })).toBe('/pool.md')
    expect(await top({ vector: 2 })).toBe('/auto.md')
    expect((await make({ weights: { vector: 0 } }).search('car')).map((h) => h.source)).not.toContain('/auto.md')
    expect((await make({ mode: 'vector' }).search('car', { k: 1 }))[0]?.source).toBe('/auto.md')
    const bm25 = await make({ mode: 'bm25' }).search('car', { k: 5 })
    expect(bm25).toEqual(await new FtsRetriever({ db: t.store.db }).search('car', { k: 5 }))
    for (const bad of [{ bm25: -1 }, { bm25: 0, vector: 0 }, { vector: Number.NaN }]) {
      expect(() => make({ weights: bad })).toThrow(/weight/)
    }
  })

  it('filters by collection, source and metadata in every mode', async () => {
    for (const mode of ['bm25', 'vector', 'hybrid'] as const) {
      const r = make({ mode, k: 5 })
      const sources = async (filter: Parameters<typeof r.search>[1]) => (await r.search('car automobile fish plums ferry', filter)).map((h) => h.source).sort()
      expect(await sources({ filter: { collection: 'sea' } }), mode).toEqual(['/boat.md', '/fish.md'])
      expect(await sources({ filter: { collection: ['sea', 'orchard'], source: ['/fish.md', '/fruit.md'] } }), mode).toEqual(['/fish.md', '/fruit.md'])
      expect(await sources({ filter: { metadata: { lang: 'en' } } }), mode).toEqual(['/auto.md', '/fish.md'])
      expect(await sources({ filter: { metadata: { lang: ['de', 'fr'] } } }), mode).toEqual(['/boat.md', '/pool.md'])
      expect(await sources({ filter: { metadata: { lang: 'en', year: 2024 } } }), mode).toEqual(['/auto.md'])
      expect(await sources({ filter: { metadata: { year: '2024' } } }), mode).toEqual([])
      expect(await sources({ filter: { metadata: { draft: true } } }), mode).toEqual(['/boat.md'])
      expect(await sources({ filter: { metadata: { missing: 'x' } } }), mode).toEqual([])
    }
    // the retriever's own filter applies under a call's
    const sea = make({ collection: 'sea', k: 5 })
    expect((await sea.search('car automobile fish plums ferry')).map((h) => h.collection)).toEqual(['sea', 'sea'])
    expect((await sea.search('car automobile fish plums ferry', { filter: { metadata: { lang: 'fr' } } })).map((h) => h.source)).toEqual(['/boat.md'])
  })

  it('is a LangChain retriever: invoke returns Documents carrying the citation metadata', async () => {
    const r = make({ k: 2 })
    expect(r).toBeInstanceOf(BaseRetriever)
    const docs = await r.invoke('automobile')
    expect(docs[0]).toBeInstanceOf(Document)
    expect(docs[0]?.pageContent).toBe('automobile vehicle motorcar')
    expect(docs[0]?.metadata).toEqual({
      id: expect.any(Number), docId: expect.any(Number), title: 'x', source: '/auto.md', collection: 'garage',
      metadata: { lang: 'en', year: 2024 }, score: expect.any(Number), scores: { bm25: expect.any(Number), vector: expect.any(Number) },
    })
    expect(docs[0]?.id).toBe(String(docs[0]?.metadata.id))
    expect(JSON.stringify(r.toJSON())).not.toMatch(/kysely|executor|sqlite|127\.0\.0\.1/i)
  })

  it('falls back to BM25 when the query cannot be embedded, and says so', async () => {
    const down = await startFakeEmbeddings({ rejectText: 'car' })
    const warnings: string[] = []
    try {
      const broken = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake', OPENAI_BASE_URL: down.url })!
      const r = new HybridRetriever({ db: t.store.db, sqlite: t.store.sqlite, embedder: broken, onVectorError: (e) => warnings.push(e.message) })
      expect((await r.search('car')).map((h) => [h.source, h.scores])).toEqual([['/pool.md', { bm25: expect.any(Number) }]])
      expect(warnings).toEqual([expect.stringMatching(/embedding the query with fake failed/)])
      const err = await new HybridRetriever({ db: t.store.db, sqlite: t.store.sqlite, embedder: broken, mode: 'vector' }).search('car').catch((e: unknown) => e)
      expect(isAppError(err) && err.code).toBe('UPSTREAM')
    } finally {
      await down.close()
    }
  })
})

describe('reciprocalRankFusion', () => {
  const hit = (id: number, score = 1) => ({ id, docId: id, title: '', chunk: '', source: '', score })
  it('sums weight / (k + rank) over the rankings and breaks ties by best rank, then id', () => {
    const fused = reciprocalRankFusion({ bm25: [hit(1), hit(2), hit(3)], vector: [hit(3), hit(4)] }, { rrfK: 0 })
    expect(fused.map((h) => [h.id, h.score])).toEqual([[3, 1 / 3 + 1], [1, 1], [2, 0.5], [4, 0.5]])
  })
})

describe('SearchFilterSchema', () => {
  it('accepts the documented shapes and refuses the rest', () => {
    expect(SearchFilterSchema.parse({ collection: ['a', 'b'], source: '/x.md', metadata: { lang: ['en', 'de'], year: 2024, draft: false } }))
      .toEqual({ collection: ['a', 'b'], source: '/x.md', metadata: { lang: ['en', 'de'], year: 2024, draft: false } })
    for (const bad of [{ collection: [] }, { metadata: { k: { nested: 1 } } }, { metadata: { 'a"b': 1 } }, { other: 1 }, { source: '' }]) {
      expect(SearchFilterSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })
})
