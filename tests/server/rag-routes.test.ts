import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ragRoutes } from '../../server/routes/rag-routes.js'
import type { RagFtsTables } from '../../store/rag-schema.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

type Body = Record<string, unknown>
const post = (url: string, body: unknown) => rawJson(url, { method: 'POST', body: JSON.stringify(body) })

describe('/rag routes (real server on 127.0.0.1:0)', () => {
  let t: TestServer
  let base: string
  beforeAll(async () => {
    t = await startTestServer({ routes: [ragRoutes], maxBodyBytes: 64 * 1024 })
    base = `${t.url}/rag/collections`
  })
  afterAll(async () => { await t.close() })

  const counts = async () => {
    const db = t.rt.store.db
    const n = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) => Number((await q.executeTakeFirstOrThrow()).n)
    return {
      chunks: await n(db.selectFrom('rag_chunks').select((e) => e.fn.countAll().as('n'))),
      fts: await n(db.withTables<RagFtsTables>().selectFrom('rag_chunks_fts').select((e) => e.fn.countAll().as('n'))),
    }
  }

  it('ingests, re-ingests unchanged for free, replaces a changed document, lists and searches', async () => {
    const docs = [
      { id: 'otter', title: 'Sea otters', text: 'Sea otters hold hands while they sleep so they do not drift apart.', metadata: { kind: 'mammal', legs: 4 } },
      { source: 'https://example.org/gull', text: 'Herring gulls steal chips on the promenade.\nThey are clever.', metadata: { kind: 'bird' } },
      { text: 'An anonymous note about kelp forests.' },
    ]
    const first = await post(`${base}/zoo%20notes/documents`, { documents: docs, chunk_size: 400, chunk_overlap: 0 })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ collection: 'zoo notes', added: 3, updated: 0, unchanged: 0, chunks: 3 })
    const out = first.body.documents as { id: number; source: string; outcome: string; chunk_ids: number[] }[]
    expect(out.map((d) => d.source)).toEqual(['otter', 'https://example.org/gull', expect.stringMatching(/^sha256:[0-9a-f]{64}$/)])
    expect(out.every((d) => d.chunk_ids.length === 1)).toBe(true)

    const before = await counts()
    const again = await post(`${base}/zoo%20notes/documents`, { documents: docs, chunk_size: 400, chunk_overlap: 0 })
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 3, chunks: 0 })
    expect(await counts()).toEqual(before)

    const changed = await post(`${base}/zoo%20notes/documents`, { documents: [{ ...docs[0], text: 'Sea otters use stones to crack open clams.' }], chunk_size: 400, chunk_overlap: 0 })
    expect(changed.body).toMatchObject({ updated: 1, documents: [{ id: out[0]!.id, outcome: 'updated' }] })

    const listed = await rawJson(base)
    expect(listed.body).toEqual({ collections: [{ name: 'zoo notes', documents: 3, chunks: 3, created_at: expect.any(String) }] })
    const listedDocs = (await rawJson(`${base}/zoo%20notes/documents?limit=2`)).body.documents as Body[]
    expect(listedDocs).toHaveLength(2)
    expect(listedDocs[0]).toMatchObject({ id: expect.any(Number), source: expect.any(String), title: expect.any(String), chunks: 1, metadata: expect.any(Object), updated_at: expect.any(String) })
    expect((await rawJson(`${base}/zoo%20notes/documents`)).body.documents).toHaveLength(3)

    const hits = (await post(`${base}/zoo%20notes/search`, { query: 'otters clams', k: 3 })).body.hits as Body[]
    expect(hits[0]).toEqual({
      chunk_id: expect.any(Number), document_id: out[0]!.id, title: 'Sea otters', chunk: 'Sea otters use stones to crack open clams.',
      score: expect.any(Number), source: 'otter', metadata: { kind: 'mammal', legs: 4 },
    })
    expect((await post(`${base}/zoo%20notes/search`, { query: 'sleep drift' })).body.hits).toEqual([]) // the old text is gone
    const gull = (await post(`${base}/zoo%20notes/search`, { query: 'gulls chips', filter: { metadata: { kind: 'bird' } } })).body.hits as Body[]
    expect(gull.map((h) => h.title)).toEqual(['Herring gulls steal chips on the promenade.'])
    expect((await post(`${base}/zoo%20notes/search`, { query: 'gulls chips', filter: { metadata: { kind: 'mammal' } } })).body.hits).toEqual([])
  })

  it('deletes a document, then the collection, with their chunks and FTS rows', async () => {
    const r = await post(`${base}/tmp/documents`, { documents: [{ id: 'a', text: 'alpha text' }, { id: 'b', text: 'bravo text' }] })
    const [a] = r.body.documents as { id: number }[]
    const before = await counts()
    expect(await rawJson(`${base}/tmp/documents/${a!.id}`, { method: 'DELETE' })).toMatchObject({ status: 200, body: { documents: 1, chunks: 1 } })
    expect(await counts()).toEqual({ chunks: before.chunks - 1, fts: before.fts - 1 })
    expect((await rawJson(`${base}/tmp/documents/${a!.id}`, { method: 'DELETE' })).status).toBe(404)
    expect(await rawJson(`${base}/tmp`, { method: 'DELETE' })).toMatchObject({ status: 200, body: { documents: 1, chunks: 1 } })
    expect(await counts()).toEqual({ chunks: before.chunks - 2, fts: before.fts - 2 })
    expect(((await rawJson(base)).body.collections as Body[]).map((c) => c.name)).toEqual(['zoo notes'])
  })

  it('answers bad input with 400 VALIDATION, unknown collections with 404, big bodies with 413', async () => {
    const bad: [string, unknown][] = [
      ['documents', { documents: [] }],
      ['documents', { documents: [{ title: 'no text' }] }],
      ['documents', { documents: [{ text: 'x', metadata: { nested: { a: 1 } } }] }],
      ['documents', { documents: [{ text: 'x' }], chunk_size: 10, chunk_overlap: 10 }],
      ['documents', { documents: [{ id: 'same', text: 'x' }, { id: 'same', text: 'y' }] }],
      ['documents', { documents: [{ text: 'x' }], surprise: true }],
      ['search', { query: 'x', k: 0 }],
      ['search', { k: 3 }],
      ['search', { query: 'x', filter: { metadata: { 'a"b': 1 } } }],
      ['search', { query: 'x', weights: { bm25: -1 } }],
      // no embeddings endpoint here: vector mode is refused, not silently downgraded
      ['search', { query: 'x', mode: 'vector' }],
    ]
    for (const [what, body] of bad) {
      const r = await post(`${base}/zoo%20notes/${what}`, body)
      expect(r, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 'VALIDATION', message: expect.any(String) } })
    }
    expect((await post(`${base}/%20/documents`, { documents: [{ text: 'x' }] })).body).toMatchObject({ code: 'VALIDATION' })
    expect((await rawJson(`${base}/zoo%20notes/documents/abc`, { method: 'DELETE' })).status).toBe(400)
    for (const r of [
      await post(`${base}/nope/search`, { query: 'x' }),
      await rawJson(`${base}/nope/documents`),
      await rawJson(`${base}/nope`, { method: 'DELETE' }),
      await rawJson(`${base}/nope/documents/1`, { method: 'DELETE' }),
    ]) expect(r).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', details: { collection: 'nope' } } })
    const big = await post(`${base}/zoo%20notes/documents`, { documents: [{ text: 'x'.repeat(70 * 1024) }] })
    expect(big).toMatchObject({ status: 413, body: { code: 'TOO_LARGE' } })
  })
})
