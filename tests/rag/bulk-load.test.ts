import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bulkLoad, UNCHUNKED } from '../../rag/bulk-load.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { openTempRag, type TempRag } from './temp-db.js'

const docs = [
  { source: 'a', title: 'Write-ahead logging', text: 'Readers keep reading while the writer appends to the log.' },
  { source: 'b', title: 'Sourdough', text: 'Wild yeast and lactic acid bacteria raise the dough.' },
  { source: 'c', title: 'Telescopes', text: 'A stable mount matters more than magnification.' },
]

describe('bulkLoad', () => {
  let t: TempRag
  beforeEach(async () => { t = await openTempRag() })
  afterEach(async () => { await t.cleanup() })

  const count = (table: string) => (t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

  it('writes one document and one chunk per entry, indexed for FtsRetriever', async () => {
    const r = await bulkLoad(t.store.sqlite, docs, { collection: 'mini', batchSize: 2 })
    expect(r).toMatchObject({ documents: 3, chunks: 3 })
    expect([count('rag_documents'), count('rag_chunks'), count('rag_chunks_fts')]).toEqual([3, 3, 3])
    const row = await t.store.db.selectFrom('rag_documents').selectAll().where('source', '=', 'b').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ collection: 'mini', title: 'Sourdough', chunk_size: UNCHUNKED, chunk_overlap: 0 })
    expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/)
    const hits = await new FtsRetriever({ db: t.store.db, collection: 'mini' }).search('yeast dough')
    expect(hits.map((h) => [h.source, h.title])).toEqual([['b', 'Sourdough']])
    // the title is indexed too
    expect((await new FtsRetriever({ db: t.store.db }).search('telescopes')).map((h) => h.source)).toEqual(['c'])
  })

  it('replaces a source loaded again, accepts async iterables, and optimizes on request', async () => {
    await bulkLoad(t.store.sqlite, docs)
    async function* again() { yield { source: 'a', title: 'Checkpoints', text: 'A checkpoint copies the log back.' } }
    const r = await bulkLoad(t.store.sqlite, again(), { optimize: true })
    expect(r.documents).toBe(1)
    expect([count('rag_documents'), count('rag_chunks'), count('rag_chunks_fts')]).toEqual([3, 3, 3])
    const hits = await new FtsRetriever({ db: t.store.db }).search('checkpoint')
    expect(hits.map((h) => [h.source, h.title])).toEqual([['a', 'Checkpoints']])
    expect(await new FtsRetriever({ db: t.store.db }).search('appends')).toEqual([])
  })

  it('chunks long texts with the ingest chunker when chunkSize is set', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} about retrieval and ranking.`).join(' ')
    const r = await bulkLoad(t.store.sqlite, [{ source: 'long', title: 'Long', text: long }, docs[0]!], { chunkSize: 300, chunkOverlap: 30 })
    expect(r.documents).toBe(2)
    expect(r.chunks).toBeGreaterThan(4)
    const chunks = t.store.sqlite.prepare('SELECT ord, length(text) AS len FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id WHERE d.source = ? ORDER BY ord').all('long') as { ord: number; len: number }[]
    expect(chunks.map((c) => c.ord)).toEqual(chunks.map((_, i) => i))
    expect(Math.max(...chunks.map((c) => c.len))).toBeLessThanOrEqual(300)
  })

  it('refuses an empty collection name and bad chunk settings before writing', async () => {
    await expect(bulkLoad(t.store.sqlite, docs, { collection: ' ' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(bulkLoad(t.store.sqlite, docs, { chunkSize: 10, chunkOverlap: 10 })).rejects.toMatchObject({ code: 'VALIDATION' })
    expect(count('rag_documents')).toBe(0)
  })
})
