import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

describe('store routes (official SDK client)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
    await t.client.store.putItem(['users', 'ana', 'prefs'], 'theme', { color: 'dark', size: 12 })
    await t.client.store.putItem(['users', 'ana', 'prefs'], 'lang', { code: 'pt', nested: { region: 'BR' } })
    await t.client.store.putItem(['users', 'bob', 'prefs'], 'theme', { color: 'light', size: 12 })
    await t.client.store.putItem(['users', 'bob'], 'profile', { name: 'Bob Stone' })
    await t.client.store.putItem(['docs'], 'readme', { text: 'Hello world' })
  })
  afterAll(async () => { await t.close() })

  it('puts, gets, overwrites and deletes an item', async () => {
    const item = await t.client.store.getItem(['users', 'ana', 'prefs'], 'theme')
    expect(item).toMatchObject({ namespace: ['users', 'ana', 'prefs'], key: 'theme', value: { color: 'dark', size: 12 } })
    expect(Date.parse(item!.createdAt)).toBeGreaterThan(0)
    await t.client.store.putItem(['tmp'], 'k', { v: 1 })
    await t.client.store.putItem(['tmp'], 'k', { v: 2 })
    expect((await t.client.store.getItem(['tmp'], 'k'))?.value).toEqual({ v: 2 })
    await t.client.store.deleteItem(['tmp'], 'k')
    expect(await t.client.store.getItem(['tmp'], 'k')).toBeNull()
  })

  it('searches under a namespace prefix with filters, a text query and paging', async () => {
    const under = await t.client.store.searchItems(['users'], { limit: 10 })
    expect(under.items.map((i) => `${i.namespace.join('.')}/${i.key}`).sort()).toEqual([
      'users.ana.prefs/lang', 'users.ana.prefs/theme', 'users.bob.prefs/theme', 'users.bob/profile',
    ])
    const twelve = await t.client.store.searchItems(['users'], { filter: { size: 12 } })
    expect(twelve.items.map((i) => i.namespace[1]).sort()).toEqual(['ana', 'bob'])
    expect((await t.client.store.searchItems(['users'], { filter: { nested: { region: 'BR' } } })).items.map((i) => i.key)).toEqual(['lang'])
    expect((await t.client.store.searchItems([], { query: 'hello' })).items.map((i) => i.key)).toEqual(['readme'])
    expect((await t.client.store.searchItems(['users', 'ana'], { limit: 1, offset: 1 })).items).toHaveLength(1)
    expect((await t.client.store.searchItems(['user'])).items).toEqual([])
  })

  it('lists namespaces by prefix, suffix and depth', async () => {
    const all = await t.client.store.listNamespaces()
    expect(all.namespaces).toEqual([['docs'], ['users', 'ana', 'prefs'], ['users', 'bob'], ['users', 'bob', 'prefs']])
    expect((await t.client.store.listNamespaces({ prefix: ['users'], maxDepth: 2 })).namespaces).toEqual([['users', 'ana'], ['users', 'bob']])
    expect((await t.client.store.listNamespaces({ suffix: ['prefs'] })).namespaces).toEqual([['users', 'ana', 'prefs'], ['users', 'bob', 'prefs']])
    expect((await t.client.store.listNamespaces({ prefix: ['users', '*', 'prefs'] })).namespaces).toHaveLength(2)
    expect((await t.client.store.listNamespaces({ limit: 1, offset: 1 })).namespaces).toEqual([['users', 'ana', 'prefs']])
  })

  it('rejects an empty namespace or a label with a period', async () => {
    const empty = await rawJson(`${t.url}/store/items`, { method: 'PUT', body: JSON.stringify({ namespace: [], key: 'k', value: {} }) })
    expect(empty).toMatchObject({ status: 400, body: { code: 'VALIDATION' } })
    const dotted = await rawJson(`${t.url}/store/items`, { method: 'PUT', body: JSON.stringify({ namespace: ['a.b'], key: 'k', value: {} }) })
    expect(dotted).toMatchObject({ status: 400, body: { code: 'VALIDATION' } })
    const notObject = await rawJson(`${t.url}/store/items`, { method: 'PUT', body: JSON.stringify({ namespace: ['a'], key: 'k', value: 3 }) })
    expect(notObject).toMatchObject({ status: 400, body: { code: 'VALIDATION' } })
  })
})
