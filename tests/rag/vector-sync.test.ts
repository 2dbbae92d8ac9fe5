import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../../rag/embeddings.js'
import { countVectors, dropVectorIndex, findVectorIndex, listVectorIndexes, vectorIds } from '../../rag/vector-index.js'
import { vectorSearch } from '../../rag/vector-search.js'
import { embeddingText, syncVectors } from '../../rag/vector-sync.js'
import { ingestPaths } from '../../rag/ingest.js'
import { isAppError } from '../../store/app-error.js'
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings-server.js'
import { openTempRag, type TempRag } from './temp-db.js'
import { addDoc } from './vector-fixtures.js'

const config = (fake: FakeEmbeddings, extra: Record<string, string> = {}): EmbeddingsConfig =>
  embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake-embed', OPENAI_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_MAX_RETRIES: '2', ...extra })!

describe('syncVectors + vectorSearch (real SQLite file, real sqlite-vec, endpoint on 127.0.0.1)', () => {
  let fake: FakeEmbeddings
  let t: TempRag
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ dimensions: 32 })
  })
  afterAll(async () => {
    await fake.close()
  })
  beforeEach(async () => {
    await t?.cleanup()
    t = await openTempRag()
    fake.requests.length = 0
  })
  afterAll(async () => {
    await t.cleanup()
  })

  it('embeds only the chunks without a vector, in batches, and is idempotent', async () => {
    const { db, sqlite } = t.store
    await addDoc(db, { source: '/a.md', title: 'Alpha', chunks: ['apples and pears', 'pears and plums', 'plums only'] })
    await addDoc(db, { source: '/b.md', title: 'Beta', chunks: ['boats on water', 'water and wind'] })
    const progress: number[] = []
    const first = await syncVectors(db, sqlite, config(fake), { batchSize: 2, onProgress: (p) => progress.push(p.embedded) })
    expect(first).toMatchObject({ embedded: 5, removed: 0, index: { model: 'fake-embed', dimensions: 32, table: expect.stringMatching(/^rag_vec_\d+$/) } })
    expect(progress).toEqual([0, 2, 4, 5])
    expect(fake.requests.map((r) => r.input.length)).toEqual([2, 2, 1])
    // OpenAIEmbeddings turns newlines into spaces (stripNewLines)
    expect(fake.requests[0]?.input[0]).toBe(embeddingText('Alpha', 'apples and pears').replaceAll('\n', ' '))

    const again = await syncVectors(db, sqlite, config(fake))
    expect(again).toMatchObject({ embedded: 0, removed: 0 })
    expect(fake.requests).toHaveLength(3)

    await addDoc(db, { source: '/c.md', title: 'Gamma', chunks: ['cats'] })
    expect(await syncVectors(db, sqlite, config(fake))).toMatchObject({ embedded: 1, removed: 0 })
    expect(fake.requests.at(-1)?.input).toEqual(['Gamma  cats'])
    expect(await countVectors(db, first.index!)).toBe(6)
  })

  it('removes the vectors of deleted and replaced chunks; replaced chunks get new ids and new vectors', async () => {
    const { db, sqlite } = t.store
    const a = await addDoc(db, { source: '/a.md', title: 'A', chunks: ['one', 'two'] })
    const b = await addDoc(db, { source: '/b.md', title: 'B', chunks: ['three'] })
    const { index } = await syncVectors(db, sqlite, config(fake))
    // what ingestion does to a changed file: delete its chunks, insert the new ones (AUTOINCREMENT ids)
    await db.deleteFrom('rag_chunks').where('document_id', '=', a.docId).execute()
    const { id: replaced } = await db.insertInto('rag_chunks').values({ document_id: a.docId, ord: 0, text: 'one, revised' }).returning('id').executeTakeFirstOrThrow()
    expect(a.chunkIds).not.toContain(replaced)
    await db.deleteFrom('rag_documents').where('id', '=', b.docId).execute()

    // stale vectors are never returned, even before the sync removes them
    const before = await vectorSearch(db, index!, fake.vectorOf('A\n\nthree'), { k: 3 })
    expect(before.map((h) => h.id)).toEqual([])
    const report = await syncVectors(db, sqlite, config(fake))
    expect(report).toMatchObject({ embedded: 1, removed: 3 })
    expect([...await vectorIds(db, index!)]).toEqual([replaced])
  })

  it('never lets a stale vector take the place of a live chunk before the next sync', async () => {
    const { db, sqlite } = t.store
    const a = await addDoc(db, { source: '/a.md', title: 'A', chunks: ['red apples', 'green pears'] })
    const { index } = await syncVectors(db, sqlite, config(fake))
    await db.deleteFrom('rag_chunks').where('id', '=', a.chunkIds[0]!).execute()
    const hits = await vectorSearch(db, index!, fake.vectorOf('A red apples'), { k: 1 })
    expect(hits.map((h) => h.chunk)).toEqual(['green pears'])
  })

  it('after a real re-ingest of a changed file, the old chunks lose their vectors and the new ones get theirs', async () => {
    const { db, sqlite } = t.store
    const path = t.write('guide.md', '# Guide\n\nWombats dig burrows.')
    await ingestPaths(db, [path])
    const first = await syncVectors(db, sqlite, config(fake))
    const oldIds = [...await vectorIds(db, first.index!)]
    t.write('guide.md', '# Guide\n\nWombats sleep all day.')
    await ingestPaths(db, [path])
    expect(await syncVectors(db, sqlite, config(fake))).toMatchObject({ embedded: oldIds.length, removed: oldIds.length })
    const newIds = [...await vectorIds(db, first.index!)]
    expect(newIds.some((id) => oldIds.includes(id))).toBe(false)
    const [hit] = await vectorSearch(db, first.index!, fake.vectorOf('Guide wombats sleep all day'), { k: 1 })
    expect(hit?.chunk).toContain('sleep all day')
  })

  it('finds the nearest chunk first, with cosine similarity as the score; filters before the KNN', async () => {
    const { db, sqlite } = t.store
    await addDoc(db, { collection: 'fruit', source: '/f.md', title: 'Fruit', chunks: ['apples pears plums', 'bananas mangos'], metadata: { lang: 'en' } })
    await addDoc(db, { collection: 'sea', source: '/s.md', title: 'Sea', chunks: ['boats sails anchors', 'fish whales'], metadata: { lang: 'de' } })
    const { index } = await syncVectors(db, sqlite, config(fake))
    const hits = await vectorSearch(db, index!, fake.vectorOf('Sea\n\nboats sails anchors'), { k: 4 })
    expect(hits[0]).toMatchObject({ chunk: 'boats sails anchors', title: 'Sea', source: '/s.md', collection: 'sea', metadata: { lang: 'de' } })
    expect(hits[0]!.score).toBeCloseTo(1, 5)
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((x, y) => y - x))

    // a filter that excludes every near chunk still returns k hits from the allowed ones (prefilter, not over-fetch)
    const fruit = await vectorSearch(db, index!, fake.vectorOf('boats sails anchors'), { k: 2, filter: { collection: 'fruit' } })
    expect(fruit.map((h) => h.collection)).toEqual(['fruit', 'fruit'])
    expect(await vectorSearch(db, index!, fake.vectorOf('boats'), { k: 2, filter: { metadata: { lang: 'de' } } })).toHaveLength(2)
    expect(await vectorSearch(db, index!, fake.vectorOf('boats'), { k: 2, filter: { source: '/nowhere' } })).toEqual([])
  })

  it('embeds one collection on request, keeps models apart, and refuses vectors of the wrong size', async () => {
    const { db, sqlite } = t.store
    await addDoc(db, { collection: 'x', source: '/x.md', title: 'X', chunks: ['ex'] })
    await addDoc(db, { collection: 'y', source: '/y.md', title: 'Y', chunks: ['why'] })
    expect(await syncVectors(db, sqlite, config(fake), { collection: 'x' })).toMatchObject({ embedded: 1 })
    expect(await syncVectors(db, sqlite, config(fake), { collection: 'y' })).toMatchObject({ embedded: 1 })
    const other = config(fake, { SWITCHYARD_EMBEDDINGS_MODEL: 'other', SWITCHYARD_EMBEDDINGS_DIMENSIONS: '8' })
    expect(await syncVectors(db, sqlite, other)).toMatchObject({ embedded: 2, index: { model: 'other', dimensions: 8 } })
    expect((await listVectorIndexes(db)).map((i) => [i.model, i.dimensions])).toEqual([['fake-embed', 32], ['other', 8]])
    expect(await findVectorIndex(db, 'fake-embed')).toMatchObject({ dimensions: 32 })
    const dropped = (await findVectorIndex(db, 'other'))!
    await dropVectorIndex(db, sqlite, dropped)
    expect(await findVectorIndex(db, 'other')).toBeUndefined()
    const tables = (name: string) => (sqlite.prepare('SELECT count(*) AS n FROM sqlite_master WHERE name LIKE ?').get(`${name}%`) as { n: number }).n
    expect(tables(dropped.table)).toBe(0)
    expect(tables((await findVectorIndex(db, 'fake-embed'))!.table)).toBeGreaterThan(0)

    await addDoc(db, { source: '/z.md', title: 'Z', chunks: ['zed'] })
    const liar = { ...config(fake, { SWITCHYARD_EMBEDDINGS_DIMENSIONS: '16' }), dimensions: undefined }
    const err = await syncVectors(db, sqlite, liar).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('UPSTREAM')
    expect(String((err as Error).message)).toMatch(/16 dimensions.*holds 32/)
  })

  it('retries a failing endpoint (500 once) and reports an endpoint that keeps failing as UPSTREAM', async () => {
    const { db, sqlite } = t.store
    await addDoc(db, { source: '/a.md', title: 'A', chunks: ['alpha'] })
    const flaky = await startFakeEmbeddings({ failFirst: 1 })
    try {
      expect(await syncVectors(db, sqlite, config(flaky))).toMatchObject({ embedded: 1 })
      expect(flaky.requests).toHaveLength(2)
    } finally {
      await flaky.close()
    }
    await addDoc(db, { source: '/b.md', title: 'B', chunks: ['beta'] })
    const down = await startFakeEmbeddings({ rejectText: 'beta' })
    try {
      const err = await syncVectors(db, sqlite, config(down)).catch((e: unknown) => e)
      expect(isAppError(err) && err.code).toBe('UPSTREAM')
      expect(down.requests).toHaveLength(1)
    } finally {
      await down.close()
    }
  })
})
