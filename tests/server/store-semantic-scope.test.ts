import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { openRuntime } from '../../runtime/runtime.js'
import { startServer } from '../../server/serve.js'
import { countStoreVectors } from '../../store/store-vectors.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../rag/fake-embeddings-server.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

const keysOf = (r: { items: { key: string }[] }) => r.items.map((i) => i.key)
const embeddingsEnv = (fake: FakeEmbeddings): Record<string, string> => ({
  SWITCHYARD_EMBEDDINGS_MODEL: 'fake-bow', SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_MAX_RETRIES: '0',
})
const sdk = (url: string, apiKey: string | null = null) => new Client({ apiUrl: url, apiKey, callerOptions: { maxRetries: 0 } })

describe('semantic store search: tenants and failures', () => {
  let fake: FakeEmbeddings
  let t: TestServer
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ dimensions: 128, rejectText: 'poison' })
    t = await startTestServer({ storeSweepMs: 0, env: embeddingsEnv(fake), apiKeys: parseApiKeys('key-of-alice=alice,key-of-bob1=bob') })
  })
  afterAll(async () => { await t.close(); await fake.close() })

  it("a tenant's query ranks only its own items; its delete removes only its own vectors", async () => {
    const alice = sdk(t.url, 'key-of-alice')
    const bob = sdk(t.url, 'key-of-bob1')
    await alice.store.putItem(['mem'], 'fav', { text: 'alice likes green tea' }, { index: ['text'] })
    await bob.store.putItem(['mem'], 'fav', { text: 'bob likes black coffee' }, { index: ['text'] })
    await bob.store.putItem(['mem'], 'tea', { text: 'green tea is fine too' }, { index: ['text'] })
    const a = await alice.store.searchItems(['mem'], { query: 'green tea' })
    expect(a.items.map((i) => i.value)).toEqual([{ text: 'alice likes green tea' }])
    expect(keysOf(await bob.store.searchItems(['mem'], { query: 'green tea' }))).toEqual(['tea', 'fav'])
    await bob.store.deleteItem(['mem'], 'fav')
    expect(await countStoreVectors(t.rt.store.db, 'alice')).toBe(1)
    expect(await countStoreVectors(t.rt.store.db, 'bob')).toBe(1)
    expect(keysOf(await alice.store.searchItems(['mem'], { query: 'coffee' }))).toEqual(['fav'])
  })

  it('a failing embeddings endpoint is a 502 UPSTREAM; the stored item and its vectors stay as they were', async () => {
    const alice = sdk(t.url, 'key-of-alice')
    await alice.store.putItem(['safe'], 'k', { text: 'fine weather' }, { index: ['text'] })
    const put = await rawJson(`${t.url}/store/items`, {
      method: 'PUT', headers: { 'x-api-key': 'key-of-alice' },
      body: JSON.stringify({ namespace: ['safe'], key: 'k', value: { text: 'poison pill' }, index: ['text'] }),
    })
    expect(put.status).toBe(502)
    expect(put.body).toMatchObject({ code: 'UPSTREAM', message: expect.stringContaining('embeddings endpoint failed') })
    expect((await alice.store.getItem(['safe'], 'k'))?.value).toEqual({ text: 'fine weather' })
    const [hit] = (await alice.store.searchItems(['safe'], { query: 'fine weather' })).items
    expect(hit).toMatchObject({ key: 'k', value: { text: 'fine weather' } })
    expect(hit?.score).toBeCloseTo(1, 5)
    const search = await rawJson(`${t.url}/store/items/search`, {
      method: 'POST', headers: { 'x-api-key': 'key-of-alice' }, body: JSON.stringify({ namespace_prefix: ['safe'], query: 'poison' }),
    })
    expect(search).toMatchObject({ status: 502, body: { code: 'UPSTREAM' } })
    await expect(alice.store.searchItems(['safe'], { query: 'poison' })).rejects.toThrow(/502/)
  })
})

describe('semantic store search: without an embeddings endpoint, and once one is configured', () => {
  let dir: string
  let fake: FakeEmbeddings
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-store-sem-'))
    fake = await startFakeEmbeddings({ dimensions: 64 })
  })
  afterAll(async () => { await fake.close(); rmSync(dir, { recursive: true, force: true }) })
  const serve = async (env: Record<string, string>) => {
    const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline', ...env } })
    const srv = await startServer({ rt, port: 0, storeSweepMs: 0 })
    return { rt, client: sdk(srv.url), close: async () => { await srv.close(); await rt.close() } }
  }

  it('query is a substring match without score; the items are embedded at the first query once an endpoint is configured', async () => {
    const plain = await serve({})
    await plain.client.store.putItem(['kb'], 'bark', { text: 'Dogs BARK at night' })
    await plain.client.store.putItem(['kb'], 'purr', { text: 'cats purr' }, { index: ['text'] })
    await plain.client.store.putItem(['kb'], 'hidden', { text: 'dogs bark in secret' }, { index: false })
    const found = await plain.client.store.searchItems(['kb'], { query: 'bark' })
    expect(keysOf(found)).toEqual(['hidden', 'bark'])
    expect(found.items.every((i) => !('score' in i))).toBe(true)
    expect(await countStoreVectors(plain.rt.store.db)).toBe(0)
    await plain.close()

    const semantic = await serve(embeddingsEnv(fake))
    const ranked = await semantic.client.store.searchItems(['kb'], { query: 'cats purr' })
    expect(keysOf(ranked)).toEqual(['purr', 'bark'])
    expect(ranked.items[0]?.score).toBeCloseTo(1, 5)
    expect(fake.requests.flatMap((r) => r.input)).toEqual([JSON.stringify({ text: 'Dogs BARK at night' }, null, 2).replace(/\n/g, ' '), 'cats purr', 'cats purr'])
    // embedded once: a second query embeds only itself
    await semantic.client.store.searchItems(['kb'], { query: 'night' })
    expect(fake.requests.at(-1)?.input).toEqual(['night'])
    expect(await countStoreVectors(semantic.rt.store.db)).toBe(2)
    await semantic.close()
  })
})
