import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chunkSettings } from '../../rag/chunk-text.js'
import { deleteCollection, deleteDocument, listCollections } from '../../rag/collections.js'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../../rag/embeddings.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { writeDocuments, type DocumentInput } from '../../rag/ingest-documents.js'
import { createRetriever } from '../../rag/retriever-factory.js'
import { countVectors } from '../../rag/vector-index.js'
import { vectorSearch } from '../../rag/vector-search.js'
import { syncVectors } from '../../rag/vector-sync.js'
import { withTenant } from '../../store/tenant-scope.js'
import { openTempStore, testDialects, type TempStore } from '../store/dialects.js'
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings-server.js'

// The RAG contract on both engines: the same ingestion, the same lexical and vector searches with the same
// filters and tenant scoping. SQLite answers with FTS5 (BM25) and sqlite-vec; Postgres with its full-text
// search (ts_rank) and an exact vector scan in the process (migration 020). Scores differ; what is found,
// and in which order for these texts, does not.
const { dialects, skipped } = await testDialects()
if (skipped) console.warn(`rag-dialects: Postgres skipped: ${skipped}`)

const settings = chunkSettings({ chunkSize: 400, chunkOverlap: 0 })
const DOCS: DocumentInput[] = [
  { source: 'wal.md', title: 'Write-ahead logging', text: 'The checkpointer stores every step durably before the next one starts.', metadata: { lang: 'en', rank: 1, draft: false } },
  { source: 'boats.md', title: 'Boats', text: 'Sailing boats cross the water when the wind is steady.', metadata: { lang: 'en', rank: 2, draft: true } },
  { source: 'sailing.md', title: 'Sailing', text: 'A short guide for people who like the sea and small harbours.', metadata: { lang: 'de', rank: '1' } },
  { source: 'queues.md', title: 'Queues', text: 'Workers claim runs from a durable queue and renew their leases.', metadata: { lang: 'en' } },
]
const sources = (hits: { source: string }[]) => hits.map((h) => h.source)

describe.each(dialects)('RAG on %s', (dialect) => {
  let t: TempStore
  let fake: FakeEmbeddings
  let embedder: EmbeddingsConfig
  beforeAll(async () => {
    t = await openTempStore(dialect, 'rag')
    fake = await startFakeEmbeddings({ dimensions: 48 })
    embedder = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake-embed', OPENAI_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_MAX_RETRIES: '0' })!
  })
  afterAll(async () => {
    await fake?.close()
    await t?.cleanup()
  })
  beforeEach(async () => {
    for (const c of await listCollections(t.store.db)) await deleteCollection(t.store.db, c.name)
    for (const c of await withTenant('t-a', () => listCollections(t.store.db))) await withTenant('t-a', () => deleteCollection(t.store.db, c.name))
    await writeDocuments(t.store.db, 'kb', DOCS, settings)
    await writeDocuments(t.store.db, 'other', [{ source: 'elsewhere.md', title: 'Elsewhere', text: 'Boats again, in another collection.' }], settings)
  })

  it('finds stemmed words in titles and texts, best first, and returns nothing for a query without words', async () => {
    const fts = new FtsRetriever({ db: t.store.db, k: 10 })
    // durably ~ durable: both stem alike
    expect(sources(await fts.search('durably')).sort()).toEqual(['queues.md', 'wal.md'])
    expect(sources(await fts.search('durable')).sort()).toEqual(['queues.md', 'wal.md'])
    const sailing = await fts.search('sailing')
    expect(sources(sailing).sort()).toEqual(['boats.md', 'sailing.md']) // in a title, in a text
    expect(sailing.find((h) => h.source === 'sailing.md')).toMatchObject({ title: 'Sailing', collection: 'kb', metadata: { lang: 'de', rank: '1' } })
    // more of the query's words rank higher
    const two = await fts.search('harbours sea')
    expect(sources(two)[0]).toBe('sailing.md')
    expect(two.map((h) => h.score)).toEqual([...two.map((h) => h.score)].sort((a, b) => b - a))
    expect(await fts.search('?! ()')).toEqual([])
    expect(await fts.search('NEAR(boats) OR "x" & y | !z <-> w:*')).not.toHaveLength(0) // operators are plain words
  })

  it('applies collection, source and metadata filters in the same statement (types strict, arrays contain)', async () => {
    const fts = new FtsRetriever({ db: t.store.db, k: 10 })
    // ingestion writes scalars; arrays come from other writers (a record's own list field): set them directly
    const tag = (source: string, tags: string[], rest: object) =>
      t.store.db.updateTable('rag_documents').set({ metadata: JSON.stringify({ ...rest, tags }) }).where('source', '=', source).execute()
    await tag('wal.md', ['db', 'durability'], { lang: 'en', rank: 1, draft: false })
    await tag('queues.md', ['db'], { lang: 'en' })
    await tag('boats.md', ['sea'], { lang: 'en', rank: 2, draft: true })
    expect(sources(await fts.search('boats'))).toEqual(expect.arrayContaining(['boats.md', 'elsewhere.md']))
    expect(sources(await fts.search('boats', { filter: { collection: 'kb' } }))).toEqual(['boats.md'])
    expect(sources(await fts.search('durable', { filter: { source: 'queues.md' } }))).toEqual(['queues.md'])
    expect(sources(await fts.search('durable sea boats', { filter: { metadata: { tags: 'db' } } })).sort()).toEqual(['queues.md', 'wal.md'])
    expect(sources(await fts.search('sea boats durable', { filter: { metadata: { draft: true } } }))).toEqual(['boats.md'])
    expect(sources(await fts.search('sea boats durable', { filter: { metadata: { draft: false } } }))).toEqual(['wal.md'])
    expect(sources(await fts.search('sea boats durable sailing', { filter: { metadata: { rank: 1 } } }))).toEqual(['wal.md']) // '1' is not 1
    expect(sources(await fts.search('sea boats durable sailing', { filter: { metadata: { rank: '1' } } }))).toEqual(['sailing.md'])
    expect(sources(await fts.search('sea boats durable', { filter: { metadata: { lang: ['de', 'fr'] } } }))).toEqual(['sailing.md'])
    expect(await fts.search('boats', { filter: { metadata: { missing: 'x' } } })).toEqual([])
  })

  it('keeps the index in step with writes: re-ingested text, a renamed title, deleted documents', async () => {
    const fts = new FtsRetriever({ db: t.store.db, k: 10 })
    const [changed] = await writeDocuments(t.store.db, 'kb', [{ ...DOCS[1]!, text: 'Rowing across the lake.' }], settings)
    expect(changed!.outcome).toBe('updated')
    expect(sources(await fts.search('wind', { filter: { collection: 'kb' } }))).toEqual([])
    expect(sources(await fts.search('rowing'))).toEqual(['boats.md'])
    await t.store.db.updateTable('rag_documents').set({ title: 'Canoes' }).where('source', '=', 'boats.md').execute()
    expect(sources(await fts.search('canoes'))).toEqual(['boats.md'])
    expect((await deleteDocument(t.store.db, 'kb', { source: 'boats.md' })).documents).toBe(1)
    expect(await fts.search('rowing canoes')).toEqual([])
  })

  it('scopes collections and searches by tenant', async () => {
    await withTenant('t-a', () => writeDocuments(t.store.db, 'kb', [{ source: 'secret.md', title: 'Ledger', text: 'Tenant A keeps its ledger here.' }], settings))
    const fts = new FtsRetriever({ db: t.store.db, k: 10 })
    expect(await fts.search('ledger')).toEqual([])
    expect(sources(await withTenant('t-a', () => fts.search('ledger')))).toEqual(['secret.md'])
    expect(await withTenant('t-b', () => fts.search('ledger boats'))).toEqual([])
    expect((await withTenant('t-a', () => listCollections(t.store.db))).map((c) => c.name)).toEqual(['kb'])
  })

  it('embeds chunks once, searches vectors exactly (filters apply), fuses both rankings, and forgets deleted chunks', async () => {
    const { db, sqlite } = t.store
    const first = await syncVectors(db, sqlite, embedder)
    expect(first.embedded).toBe(5)
    expect((await syncVectors(db, sqlite, embedder)).embedded).toBe(0)
    const index = first.index!
    expect(await countVectors(db, index)).toBe(5)
    const near = await vectorSearch(db, index, fake.vectorOf('Queues\n\nWorkers claim runs from a durable queue and renew their leases.', 48), { k: 3 })
    expect(near[0]).toMatchObject({ source: 'queues.md', title: 'Queues' })
    expect(near[0]!.score).toBeCloseTo(1, 4)
    expect(near.map((h) => h.score)).toEqual([...near.map((h) => h.score)].sort((a, b) => b - a))
    expect(sources(await vectorSearch(db, index, fake.vectorOf('boats', 48), { k: 5, filter: { collection: 'other' } }))).toEqual(['elsewhere.md'])
    const hybrid = createRetriever({ db, sqlite, embeddings: embedder, k: 3 })
    expect(sources(await hybrid.search('durable queue leases'))[0]).toBe('queues.md')
    await deleteDocument(db, 'kb', { source: 'queues.md' })
    const after = await syncVectors(db, sqlite, embedder)
    expect(after.embedded).toBe(0)
    expect(await countVectors(db, index)).toBe(4) // SQLite: removed by the sync; Postgres: by cascade already
    expect(sources(await vectorSearch(db, index, fake.vectorOf('durable queue leases', 48), { k: 10 }))).not.toContain('queues.md')
  })
})
