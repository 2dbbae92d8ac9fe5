import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAssistantRepo } from '../../store/assistant-repo.js'
import type { OpenedDb } from '../../store/db.js'
import { createRunRepo } from '../../store/run-repo.js'
import { sweepExpiredStoreItems } from '../../store/store-ttl.js'
import { createStoreItemRepo } from '../../store/store-item-repo.js'
import { countStoreVectors } from '../../store/store-vectors.js'
import { createThreadRepo } from '../../store/thread-repo.js'
import { withTenant } from '../../store/tenant-scope.js'
import { openTempStore, testDialects, type TempStore } from './dialects.js'

// The repositories' contracts, written once and run on every engine: a SQLite file, and a Postgres schema of
// this file's own when Postgres answers (CI=1: it must). Same inputs, same answers.
const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

describe.each(dialects)('repositories on %s', (dialect) => {
  let temp: TempStore
  let store: OpenedDb
  beforeAll(async () => { temp = await openTempStore(dialect, 'repos'); store = temp.store })
  afterAll(async () => { await temp.cleanup() })

  it('runs: numbered per thread, claimed oldest first one thread at a time, settled, listed newest first', async () => {
    const runs = createRunRepo(store.db)
    const me = { pid: 42, workerId: 'w1', leaseMs: 30_000 }
    await runs.ensureThread('t1', 'team')
    await runs.ensureThread('t2', 'team')
    await expect(runs.ensureThread('t1', 'sdlc')).rejects.toMatchObject({ code: 'CONFLICT' })
    const a = await runs.createRun({ run_id: 'r-a', thread_id: 't1', graph: 'team', kind: 'input' })
    const b = await runs.createRun({ run_id: 'r-b', thread_id: 't1', graph: 'team', kind: 'input' })
    const c = await runs.createRun({ run_id: 'r-c', thread_id: 't2', graph: 'team', kind: 'input' })
    expect([a.ordinal, b.ordinal, c.ordinal]).toEqual([1, 2, 1])
    expect(a).toMatchObject({ status: 'pending', attempt: 0, cancel_requested: 0, metadata: '{}' })
    const first = await runs.claimNext(me)
    expect(first).toMatchObject({ run_id: 'r-a', status: 'running', pid: 42, attempt: 1, worker_id: 'w1' })
    expect(Date.parse(first!.lease_expires_at!)).toBeGreaterThan(Date.now())
    // t1 has a running run: the next claim skips r-b for t2's run
    expect((await runs.claimNext(me))?.run_id).toBe('r-c')
    expect(await runs.claimNext(me)).toBeUndefined()
    expect(await runs.finishRun('r-a', 'success')).toMatchObject({ status: 'success', error: null })
    expect((await runs.claimNext(me))?.run_id).toBe('r-b')
    expect((await runs.listRuns('t1')).map((r) => r.run_id)).toEqual(['r-b', 'r-a'])
    expect(await runs.requestCancel('t1')).toBe(1)
    expect(await runs.cancelRequested('r-b')).toBe(1)
    await expect(runs.getRun('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('run_events: an ordered log per run, read after a seq, with its last seq', async () => {
    const runs = createRunRepo(store.db)
    await runs.ensureThread('te', 'team')
    await runs.createRun({ run_id: 'r-e', thread_id: 'te', graph: 'team', kind: 'input' })
    for (let seq = 0; seq < 5; seq++) await runs.appendEvent('r-e', seq, seq === 4 ? 'end' : 'values', JSON.stringify({ seq }))
    await expect(runs.appendEvent('r-e', 2, 'values', '{}')).rejects.toThrow()
    expect(await runs.lastSeq('r-e')).toBe(4)
    expect((await runs.listEvents('r-e', 2)).map((e) => [e.seq, e.event, JSON.parse(e.data)])).toEqual([[3, 'values', { seq: 3 }], [4, 'end', { seq: 4 }]])
    expect(await runs.listEvents('r-e')).toHaveLength(5)
  })

  it('threads: metadata containment (nested objects, arrays whole, JSON types), counts, TTL expiry', async () => {
    const threads = createThreadRepo(store.db)
    await threads.create('th-a', { metadata: { user: { id: 7, name: 'ana' }, tags: ['x', 'y'], ok: true, n: 1.5, none: null }, graph: null }, 'raise')
    await threads.create('th-b', { metadata: { user: { id: '7' }, tags: ['x'] }, graph: null }, 'raise')
    await expect(threads.create('th-a', { metadata: {}, graph: null }, 'raise')).rejects.toMatchObject({ code: 'CONFLICT' })
    const ids = async (metadata: Record<string, unknown>) => (await threads.search({ metadata }, { limit: 10 })).map((t) => t.thread_id).sort()
    expect(await ids({ user: { id: 7 } })).toEqual(['th-a'])
    expect(await ids({ user: { id: '7' } })).toEqual(['th-b'])
    expect(await ids({ tags: ['x'] })).toEqual(['th-b'])
    expect(await ids({ ok: true, n: 1.5, none: null })).toEqual(['th-a'])
    expect(await ids({ user: {} })).toEqual(['th-a', 'th-b'])
    expect(await threads.count({ metadata: { tags: ['x', 'y'] } })).toBe(1)
    await threads.create('th-ttl', { metadata: {}, graph: null, ttl: 1 }, 'raise')
    const updated = Date.parse((await threads.get('th-ttl')).updated_at)
    expect(await threads.expired(new Date(updated + 59_000).toISOString())).not.toContain('th-ttl')
    expect(await threads.expired(new Date(updated + 61_000).toISOString())).toContain('th-ttl')
  })

  it('assistants: versions, name search ignoring case, metadata filter', async () => {
    const assistants = createAssistantRepo(store.db)
    const fields = { graph_id: 'team', name: 'Research Team', description: null, config: {}, context: {}, metadata: { owner: 'ops' } }
    await assistants.create('as-1', fields, 'raise')
    await assistants.create('as-2', { ...fields, name: 'other', metadata: { owner: 'dev' } }, 'raise')
    const patched = await assistants.patch('as-1', { name: 'Research Team v2' })
    expect(patched.version).toBe(2)
    expect((await assistants.search({ name: 'research TEAM' }, { limit: 10, offset: 0 })).map((a) => a.assistant_id)).toEqual(['as-1'])
    expect((await assistants.search({ metadata: { owner: 'dev' } }, { limit: 10, offset: 0 })).map((a) => a.assistant_id)).toEqual(['as-2'])
    expect((await assistants.versions('as-1', { limit: 10, offset: 0 })).map((v) => v.version).sort()).toEqual([1, 2])
    expect(await assistants.count({ graph_id: 'team' })).toBe(2)
  })

  it('store items: tenants apart, substring and filter search, TTL expiry, refresh and sweep', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const items = createStoreItemRepo(store.db, { now: () => now })
    await items.put(['users', 'ana'], 'prefs', { theme: 'Dark', size: 3 })
    await items.put(['users', 'bo'], 'prefs', { theme: 'light', size: 3 })
    await withTenant('acme', () => items.put(['users', 'ana'], 'prefs', { theme: 'acme' }))
    expect(await items.get(['users', 'ana'], 'prefs')).toMatchObject({ value: { theme: 'Dark', size: 3 } })
    expect((await withTenant('acme', () => items.get(['users', 'ana'], 'prefs')))?.value).toEqual({ theme: 'acme' })
    const keys = (found: { namespace: string[] }[]) => found.map((f) => f.namespace.join('.')).sort()
    expect(keys(await items.search(['users'], { query: 'dark', limit: 10, offset: 0 }))).toEqual(['users.ana'])
    expect(keys(await items.search(['users'], { filter: { size: 3 }, limit: 10, offset: 0 }))).toEqual(['users.ana', 'users.bo'])
    expect(keys(await items.search(['users', 'bo'], { limit: 10, offset: 0 }))).toEqual(['users.bo'])
    expect(await items.listNamespaces({ prefix: ['users'], limit: 10, offset: 0 })).toEqual([['users', 'ana'], ['users', 'bo']])

    await items.put(['tmp'], 'a', { v: 1 }, { ttl: 1 })
    now += 50_000
    expect(await items.get(['tmp'], 'a')).not.toBeNull() // read at 50 s: refreshed to 110 s
    now += 50_000
    expect(await items.get(['tmp'], 'a', { refreshTtl: false })).not.toBeNull()
    now += 11_000
    expect(await items.get(['tmp'], 'a')).toBeNull()
    expect(await sweepExpiredStoreItems(store.db, now)).toBe(1)
  })

  it('store vector search: nearest first by cosine similarity, filter and paging applied, vectors deleted with the item', async () => {
    const items = createStoreItemRepo(store.db)
    const put = (key: string, vector: number[], value: Record<string, unknown>) =>
      items.put(['docs'], key, value, { index: null, vectors: { model: 'm', texts: [{ field: '$', sha: key, vector }] } })
    await put('east', [1, 0, 0], { kind: 'a' })
    await put('north', [0, 1, 0], { kind: 'a' })
    await put('northeast', [1, 1, 0], { kind: 'b' })
    const search = (values: number[], extra: { filter?: Record<string, unknown>; offset?: number } = {}) =>
      items.search(['docs'], { vector: { model: 'm', values }, limit: 10, offset: extra.offset ?? 0, filter: extra.filter })
    const found = await search([1, 0.1, 0])
    expect(found.map((f) => f.key)).toEqual(['east', 'northeast', 'north'])
    expect(found[0]!.score).toBeCloseTo(0.995, 3)
    expect(found[2]!.score).toBeCloseTo(0.0995, 3)
    expect((await search([1, 0.1, 0], { filter: { kind: 'a' } })).map((f) => f.key)).toEqual(['east', 'north'])
    expect((await search([1, 0.1, 0], { offset: 1 })).map((f) => f.key)).toEqual(['northeast', 'north'])
    expect(await search([1, 0])).toEqual([]) // other dimensions: no vectors of that shape
    await items.delete(['docs'], 'east')
    expect(await countStoreVectors(store.db)).toBe(2)
  })
})
