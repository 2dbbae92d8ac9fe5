import { Client } from '@langchain/langgraph-sdk'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

// Only Date is faked: the server runs in this process, so its clock moves with the test's while
// sockets, timers and SQLite keep real time. No test waits for a TTL to pass.
const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => vi.setSystemTime(T0 + seconds * 1000)
const keysOf = (r: { items: { key: string }[] }) => r.items.map((i) => i.key).sort()
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('store item TTLs (official SDK client)', () => {
  let t: TestServer
  beforeAll(async () => { t = await startTestServer({ storeSweepMs: 0 }) })
  afterAll(async () => { await t.close() })
  beforeEach(() => { vi.useFakeTimers({ toFake: ['Date'] }); at(0) })
  afterEach(() => { vi.useRealTimers() })

  it('an expired item is gone from get, search and listNamespaces', async () => {
    await t.client.store.putItem(['exp', 'short'], 'k', { v: 1 }, { ttl: 1 })
    await t.client.store.putItem(['exp', 'kept'], 'k', { v: 2 })
    at(59)
    expect((await t.client.store.getItem(['exp', 'short'], 'k', { refreshTtl: false }))?.value).toEqual({ v: 1 })
    expect((await t.client.store.listNamespaces({ prefix: ['exp'] })).namespaces).toEqual([['exp', 'kept'], ['exp', 'short']])
    at(60)
    expect(await t.client.store.getItem(['exp', 'short'], 'k')).toBeNull()
    expect((await t.client.store.searchItems(['exp'])).items.map((i) => i.namespace)).toEqual([['exp', 'kept']])
    expect((await t.client.store.searchItems(['exp'], { query: 'v' })).items).toHaveLength(1)
    expect((await t.client.store.listNamespaces({ prefix: ['exp'] })).namespaces).toEqual([['exp', 'kept']])
  })

  it('get and search move the expiry forward by the ttl unless refresh_ttl is false', async () => {
    await t.client.store.putItem(['ref'], 'got', { n: 1 }, { ttl: 1 })
    await t.client.store.putItem(['ref'], 'found', { n: 2 }, { ttl: 1 })
    await t.client.store.putItem(['ref'], 'peeked', { n: 3 }, { ttl: 1 })
    at(50)
    expect(await t.client.store.getItem(['ref'], 'got')).not.toBeNull() // default: refresh → expires at 110 s
    expect(keysOf(await t.client.store.searchItems(['ref'], { filter: { n: 2 } }))).toEqual(['found']) // → 110 s
    expect(await t.client.store.getItem(['ref'], 'peeked', { refreshTtl: false })).not.toBeNull()
    expect(keysOf(await t.client.store.searchItems(['ref'], { refreshTtl: false }))).toEqual(['found', 'got', 'peeked'])
    at(61)
    expect(keysOf(await t.client.store.searchItems(['ref'], { refreshTtl: false }))).toEqual(['found', 'got'])
    at(100)
    expect(keysOf(await t.client.store.searchItems(['ref'], { refreshTtl: true }))).toEqual(['found', 'got']) // → 160 s
    at(159)
    expect(await t.client.store.getItem(['ref'], 'got', { refreshTtl: false })).not.toBeNull()
    at(160)
    expect(keysOf(await t.client.store.searchItems(['ref']))).toEqual([])
  })

  it('a null or absent ttl never expires; a put replaces the ttl and revives an expired key as a new item', async () => {
    await t.client.store.putItem(['forever'], 'null', { v: 1 }, { ttl: null })
    await t.client.store.putItem(['forever'], 'cleared', { v: 1 }, { ttl: 1 })
    await t.client.store.putItem(['forever'], 'cleared', { v: 2 })
    await t.client.store.putItem(['forever'], 'fraction', { v: 1 }, { ttl: 0.5 })
    at(29)
    expect(await t.client.store.getItem(['forever'], 'fraction', { refreshTtl: false })).not.toBeNull()
    at(30)
    expect(await t.client.store.getItem(['forever'], 'fraction')).toBeNull()
    await t.client.store.putItem(['forever'], 'fraction', { v: 2 }, { ttl: 0.5 })
    const revived = await t.client.store.getItem(['forever'], 'fraction')
    expect(revived).toMatchObject({ value: { v: 2 }, createdAt: new Date(T0 + 30_000).toISOString() })
    at(20 * 24 * 3600) // (timers of the HTTP stack take the jump as a delay: keep it under 2^31 ms)
    expect(keysOf(await t.client.store.searchItems(['forever']))).toEqual(['cleared', 'null'])
  })

  it('the server sweep deletes expired rows; reads never depended on it', async () => {
    const swept = await startTestServer({ storeSweepMs: 20 })
    try {
      await swept.client.store.putItem(['sw'], 'gone', { v: 1 }, { ttl: 1 })
      await swept.client.store.putItem(['sw'], 'stays', { v: 1 }, { ttl: 5 })
      await swept.client.store.putItem(['sw'], 'forever', { v: 1 })
      const rows = async () => (await swept.rt.store.db.selectFrom('store_items').select('key').orderBy('key').execute()).map((r) => r.key)
      await realSleep(60)
      expect(await rows()).toEqual(['forever', 'gone', 'stays'])
      at(61)
      for (let i = 0; i < 100 && (await rows()).length === 3; i++) await realSleep(20)
      expect(await rows()).toEqual(['forever', 'stays'])
    } finally {
      await swept.close()
    }
  })

  it('refuses a ttl that is not a positive number and a refresh_ttl that is not a boolean', async () => {
    const put = (ttl: unknown) => rawJson(`${t.url}/store/items`, { method: 'PUT', body: JSON.stringify({ namespace: ['bad'], key: 'k', value: {}, ttl }) })
    for (const ttl of [-1, 0, 'ten', 1e12, true]) {
      expect(await put(ttl)).toMatchObject({ status: 400, body: { code: 'VALIDATION', message: 'invalid body', details: { target: 'json' } } })
    }
    await expect(t.client.store.putItem(['bad'], 'k', {}, { ttl: -5 })).rejects.toMatchObject({ status: 400 })
    const get = await rawJson(`${t.url}/store/items?namespace=bad&key=k&refresh_ttl=maybe`)
    expect(get).toMatchObject({ status: 400, body: { code: 'VALIDATION', details: { target: 'query' } } })
    const search = await rawJson(`${t.url}/store/items/search`, { method: 'POST', body: JSON.stringify({ namespace_prefix: ['bad'], refresh_ttl: 'yes' }) })
    expect(search).toMatchObject({ status: 400, body: { code: 'VALIDATION' } })
    expect(await rawJson(`${t.url}/store/items?namespace=bad&key=k&refresh_ttl=false`)).toMatchObject({ status: 200 })
  })
})

describe('store item TTLs per tenant', () => {
  let t: TestServer
  let alice: Client
  let bob: Client
  beforeAll(async () => {
    t = await startTestServer({ storeSweepMs: 0, apiKeys: parseApiKeys('key-of-alice=alice,key-of-bob1=bob') })
    alice = new Client({ apiUrl: t.url, apiKey: 'key-of-alice', callerOptions: { maxRetries: 0 } })
    bob = new Client({ apiUrl: t.url, apiKey: 'key-of-bob1', callerOptions: { maxRetries: 0 } })
  })
  afterAll(async () => { await t.close() })
  beforeEach(() => { vi.useFakeTimers({ toFake: ['Date'] }); at(0) })
  afterEach(() => { vi.useRealTimers() })

  it("a tenant's reads refresh and expire only its own items", async () => {
    await alice.store.putItem(['notes'], 'n', { who: 'alice' }, { ttl: 1 })
    await bob.store.putItem(['notes'], 'n', { who: 'bob' }, { ttl: 1 })
    await bob.store.putItem(['notes'], 'kept', { who: 'bob' })
    at(50)
    expect((await alice.store.getItem(['notes'], 'n'))?.value).toEqual({ who: 'alice' })
    at(61)
    expect((await alice.store.getItem(['notes'], 'n'))?.value).toEqual({ who: 'alice' })
    expect(await bob.store.getItem(['notes'], 'n')).toBeNull()
    expect(keysOf(await bob.store.searchItems(['notes']))).toEqual(['kept'])
    at(200)
    expect((await alice.store.listNamespaces()).namespaces).toEqual([])
    expect((await bob.store.listNamespaces()).namespaces).toEqual([['notes']])
  })
})
