import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OpenedDb } from '../../store/db.js'
import { clearStepCache, createStepCacheRepo } from '../../store/step-cache-repo.js'
import { withTenant } from '../../store/tenant-scope.js'
import { openTempStore, testDialects, type TempStore } from './dialects.js'

const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

describe.each(dialects)('step cache repo on %s', (dialect) => {
  let temp: TempStore
  let store: OpenedDb
  beforeEach(async () => { temp = await openTempStore(dialect, 'cache'); store = temp.store })
  afterEach(async () => { await temp.cleanup() })

  it('returns an entry until its ttl, replaces it on put, and prunes expired ones', async () => {
    const repo = createStepCacheRepo(store.db)
    await repo.put({ key: 'k', workflow: 'w', step: 's', outputs: { a: 1 }, now: 1_000, ttlMs: 500 })
    expect(await repo.get('k', 1_499)).toMatchObject({ outputs: { a: 1 }, createdAt: 1_000, expiresAt: 1_500 })
    expect(await repo.get('k', 1_500)).toBeUndefined()
    await repo.put({ key: 'k', workflow: 'w', step: 's', outputs: { a: 2 }, now: 2_000 })
    expect(await repo.get('k', 10 ** 12)).toMatchObject({ outputs: { a: 2 }, expiresAt: null })
    await repo.put({ key: 'old', workflow: 'w', step: 's', outputs: {}, now: 0, ttlMs: 1 })
    expect(await repo.prune(5)).toBe(1)
  })

  it('keeps tenants apart and clears all or one workflow', async () => {
    const repo = createStepCacheRepo(store.db)
    await withTenant('acme', () => repo.put({ key: 'k', workflow: 'w1', step: 's', outputs: { t: 'acme' }, now: 0 }))
    await repo.put({ key: 'k', workflow: 'w2', step: 's', outputs: { t: '' }, now: 0 })
    expect((await withTenant('acme', () => repo.get('k', 1)))?.outputs).toEqual({ t: 'acme' })
    expect((await repo.get('k', 1))?.outputs).toEqual({ t: '' })
    expect(await clearStepCache(store.db, { workflow: 'w1' })).toBe(1)
    expect(await clearStepCache(store.db)).toBe(1)
    expect(await repo.get('k', 1)).toBeUndefined()
  })
})
