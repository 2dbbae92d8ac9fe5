import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../../rag/embeddings.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { HybridRetriever } from '../../rag/hybrid-retriever.js'
import { createRetriever } from '../../rag/retriever-factory.js'
import { syncVectors } from '../../rag/vector-sync.js'
import { isAppError } from '../../store/app-error.js'
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings-server.js'
import { openTempRag, type TempRag } from './temp-db.js'
import { addDocs } from './vector-fixtures.js'

describe('createRetriever', () => {
  let fake: FakeEmbeddings
  let t: TempRag
  let embeddings: EmbeddingsConfig
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ synonyms: { automobile: 'car' } })
    embeddings = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake', OPENAI_BASE_URL: fake.url })!
    t = await openTempRag()
    await addDocs(t.store.db, [
      { source: '/a.md', title: 'Autos', chunks: ['an automobile in the garage'] },
      { source: '/b.md', title: 'Boats', chunks: ['a boat in the harbour'], collection: 'sea' },
    ])
  })
  afterAll(async () => {
    await t.cleanup()
    await fake.close()
  })

  it('is BM25 without embeddings (or without the raw handle), and for mode bm25', () => {
    const { db, sqlite } = t.store
    expect(createRetriever({ db })).toBeInstanceOf(FtsRetriever)
    expect(createRetriever({ db, sqlite })).toBeInstanceOf(FtsRetriever)
    expect(createRetriever({ db, embeddings })).toBeInstanceOf(FtsRetriever)
    expect(createRetriever({ db, sqlite, embeddings, mode: 'bm25' })).toBeInstanceOf(FtsRetriever)
  })

  it('is hybrid with embeddings, answering as BM25 until the vectors are synced', async () => {
    const { db, sqlite } = t.store
    const r = createRetriever({ db, sqlite, embeddings, k: 3 })
    expect(r).toBeInstanceOf(HybridRetriever)
    expect(r instanceof HybridRetriever && r.mode).toBe('hybrid')
    expect(r instanceof HybridRetriever && (await r.effectiveMode())).toBe('bm25')
    expect(await r.search('car')).toEqual([])
    await syncVectors(db, sqlite, embeddings)
    expect(r instanceof HybridRetriever && (await r.effectiveMode())).toBe('hybrid')
    expect((await r.search('car'))[0]?.source).toBe('/a.md')
    expect((await createRetriever({ db, sqlite, embeddings, collection: 'sea' }).search('car')).map((h) => h.source)).toEqual(['/b.md'])
  })

  it('refuses vector or hybrid modes it cannot serve', () => {
    const { db, sqlite } = t.store
    for (const opts of [{ mode: 'vector' as const }, { mode: 'hybrid' as const }, { mode: 'hybrid' as const, embeddings }]) {
      let err: unknown
      try {
        createRetriever({ db, sqlite: 'embeddings' in opts ? undefined : sqlite, ...opts })
      } catch (e) {
        err = e
      }
      expect(isAppError(err) && err.code, JSON.stringify(opts.mode)).toBe('VALIDATION')
    }
  })
})
