import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { countStoreVectors } from '../../store/store-vectors.js'
import { sweepExpiredStoreItems } from '../../store/store-ttl.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../rag/fake-embeddings-server.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

const DIMS = 256
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)
const keysOf = (r: { items: { key: string }[] }) => r.items.map((i) => i.key)

/** Env of a server whose store embeds with the fake: one attempt per request, so failures show at once. */
const embeddingsEnv = (fake: FakeEmbeddings): Record<string, string> => ({
  SWITCHYARD_EMBEDDINGS_MODEL: 'fake-bow', SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_MAX_RETRIES: '0',
})

describe('semantic store search (official SDK client, OpenAI-compatible embeddings)', () => {
  let fake: FakeEmbeddings
  let t: TestServer
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ dimensions: DIMS })
    t = await startTestServer({ storeSweepMs: 0, env: embeddingsEnv(fake) })
  })
  afterAll(async () => { await t.close(); await fake.close() })
  afterEach(() => { vi.useRealTimers() })

  it('ranks by cosine similarity of the whole value (default `$`) with a score; filter, prefix, limit and offset apply', async () => {
    const docs = {
      cats: { text: 'cats purr and sleep all day', kind: 'pet' },
      dogs: { text: 'dogs bark at the mail carrier', kind: 'pet' },
      both: { text: 'cats and dogs share a home', kind: 'pet' },
      wolves: { text: 'wolves bark and howl', kind: 'wild' },
    }
    for (const [key, value] of Object.entries(docs)) await t.client.store.putItem(['rank', 'docs'], key, value)
    await t.client.store.putItem(['rankother'], 'dogs', { text: 'dogs bark bark' })
    const query = 'dogs bark'
    const found = await t.client.store.searchItems(['rank'], { query, limit: 10 })
    const expected = Object.entries(docs)
      .map(([key, value]) => ({ key, score: cosine(fake.vectorOf(JSON.stringify(value, null, 2)), fake.vectorOf(query)) }))
      .sort((a, b) => b.score - a.score)
    expect(keysOf(found)).toEqual(expected.map((e) => e.key))
    expect(keysOf(found).slice(0, 2)).toEqual(['dogs', 'wolves'])
    found.items.forEach((item, i) => expect(item.score).toBeCloseTo(expected[i]!.score, 5))
    expect(found.items[0]).toMatchObject({ namespace: ['rank', 'docs'], value: docs.dogs })

    expect(keysOf(await t.client.store.searchItems(['rank'], { query, filter: { kind: 'pet' } }))).toEqual(['dogs', 'both', 'cats'])
    expect(keysOf(await t.client.store.searchItems(['rank'], { query, limit: 2, offset: 1 }))).toEqual(expected.slice(1, 3).map((e) => e.key))
    // without a query: newest first, no score
    const plain = await t.client.store.searchItems(['rank'], { limit: 10 })
    expect(keysOf(plain)).toEqual(['wolves', 'both', 'dogs', 'cats'])
    expect(plain.items.every((i) => !('score' in i))).toBe(true)
  })

  it('`index: false` items are not found by a query but still by get and a search without query', async () => {
    await t.client.store.putItem(['nix'], 'secret', { text: 'launch codes' }, { index: false })
    await t.client.store.putItem(['nix'], 'open', { text: 'launch party' })
    expect(keysOf(await t.client.store.searchItems(['nix'], { query: 'launch codes' }))).toEqual(['open'])
    expect((await t.client.store.getItem(['nix'], 'secret'))?.value).toEqual({ text: 'launch codes' })
    expect(keysOf(await t.client.store.searchItems(['nix'])).sort()).toEqual(['open', 'secret'])
    // a put with index false drops the vectors an item had
    await t.client.store.putItem(['nix'], 'open', { text: 'launch party' }, { index: false })
    expect(keysOf(await t.client.store.searchItems(['nix'], { query: 'launch party' }))).toEqual([])
  })

  it('`index: [fields]` embeds only those fields, one text per matched value', async () => {
    const before = fake.requests.length
    await t.client.store.putItem(['fields'], 'g', { title: 'gardening tips', body: 'rockets and engines', tags: ['soil', 'compost'] }, { index: ['title', 'tags[*]'] })
    expect(fake.requests.slice(before).flatMap((r) => r.input)).toEqual(['gardening tips', 'soil', 'compost'])
    const [hit] = (await t.client.store.searchItems(['fields'], { query: 'gardening tips' })).items
    expect(hit?.score).toBeCloseTo(1, 5)
    expect((await t.client.store.searchItems(['fields'], { query: 'compost' })).items[0]?.score).toBeCloseTo(1, 5)
    expect((await t.client.store.searchItems(['fields'], { query: 'rockets engines' })).items[0]?.score).toBeCloseTo(0, 5)
  })

  it('a put re-embeds only when the indexed text changed', async () => {
    await t.client.store.putItem(['upd'], 'a', { text: 'alpha', n: 1 }, { index: ['text'] })
    const before = fake.requests.length
    await t.client.store.putItem(['upd'], 'a', { text: 'alpha', n: 2 }, { index: ['text'], ttl: 60 })
    expect(fake.requests.length).toBe(before)
    await t.client.store.putItem(['upd'], 'a', { text: 'omega', n: 3 }, { index: ['text'] })
    expect(fake.requests.slice(before).flatMap((r) => r.input)).toEqual(['omega'])
    expect((await t.client.store.searchItems(['upd'], { query: 'omega' })).items[0]).toMatchObject({ key: 'a', value: { n: 3 } })
    expect((await t.client.store.searchItems(['upd'], { query: 'omega' })).items[0]?.score).toBeCloseTo(1, 5)
    expect((await t.client.store.searchItems(['upd'], { query: 'alpha' })).items[0]?.score).toBeCloseTo(0, 5)
    expect(await countStoreVectors(t.rt.store.db)).toBeGreaterThan(0)
  })

  it('delete and expiry remove the vectors; an expired item is never returned', async () => {
    const db = t.rt.store.db
    const n0 = await countStoreVectors(db)
    await t.client.store.putItem(['gone'], 'd', { text: 'ephemeral note' }, { index: ['text'] })
    expect(await countStoreVectors(db)).toBe(n0 + 1)
    await t.client.store.deleteItem(['gone'], 'd')
    expect(await countStoreVectors(db)).toBe(n0)
    const t0 = Date.parse('2030-01-01T00:00:00Z')
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(t0)
    await t.client.store.putItem(['gone'], 'e', { text: 'ephemeral note' }, { index: ['text'], ttl: 1 })
    expect(keysOf(await t.client.store.searchItems(['gone'], { query: 'ephemeral', refreshTtl: false }))).toEqual(['e'])
    vi.setSystemTime(t0 + 60_000)
    expect(keysOf(await t.client.store.searchItems(['gone'], { query: 'ephemeral' }))).toEqual([])
    expect(await countStoreVectors(db)).toBe(n0 + 1)
    expect(await sweepExpiredStoreItems(db, t0 + 60_000)).toBe(1)
    expect(await countStoreVectors(db)).toBe(n0)
  })

  it('bad index specs get a typed 400', async () => {
    for (const index of [true, 'title', [''], ['a[0'], ['{a,b'], [1]]) {
      const r = await rawJson(`${t.url}/store/items`, { method: 'PUT', body: JSON.stringify({ namespace: ['bad'], key: 'k', value: { a: 1 }, index }) })
      expect(r.status, JSON.stringify(index)).toBe(400)
      expect(r.body).toMatchObject({ code: 'VALIDATION', message: expect.any(String), details: expect.any(Object) })
    }
    expect(await t.client.store.getItem(['bad'], 'k')).toBeNull()
  })
})
