import { describe, expect, it } from 'vitest'
import { authEventOf } from '../../server/auth-events.js'
import { matchesAuthFilters, narrowMetadata, storeAuthFields } from '../../server/auth-filters.js'

describe('matchesAuthFilters (the official server\'s semantics)', () => {
  it.each([
    [{ owner: 'a' }, { owner: 'a' }, true],
    [{ owner: 'b' }, { owner: 'a' }, false],
    [{}, { owner: 'a' }, false],
    [{ owner: 'a' }, { owner: { $eq: 'a' } }, true],
    [{ tags: ['x', 'y'] }, { tags: { $contains: 'x' } }, true],
    [{ tags: ['x', 'y'] }, { tags: { $contains: ['x', 'y'] } }, true],
    [{ tags: ['x'] }, { tags: { $contains: ['x', 'y'] } }, false],
    [{ tags: 'x' }, { tags: { $contains: 'x' } }, false],
    [{ owner: 'a', team: 't' }, { owner: 'a', team: { $eq: 'u' } }, false],
  ])('%j against %j: %s', (meta, filters, want) => {
    expect(matchesAuthFilters(meta, filters)).toBe(want)
  })
  it('no filters match everything', () => expect(matchesAuthFilters(undefined, undefined)).toBe(true))
})

describe('narrowMetadata', () => {
  it('folds equality into a search filter, leaves $contains for the results', () => {
    expect(narrowMetadata({ kind: 'k' }, { owner: 'a', team: { $eq: 't' }, tags: { $contains: 'x' } })).toEqual({ kind: 'k', owner: 'a', team: 't' })
  })
  it('a contradiction finds nothing', () => expect(narrowMetadata({ owner: 'b' }, { owner: 'a' })).toBeUndefined())
})

describe('authEventOf', () => {
  const q = new URLSearchParams()
  it.each([
    ['POST', '/threads', { metadata: { a: 1 } }, 'threads:create'],
    ['POST', '/threads/search', {}, 'threads:search'],
    ['GET', '/threads/t1/state', undefined, 'threads:read'],
    ['POST', '/threads/t1/history', {}, 'threads:read'],
    ['PATCH', '/threads/t1', {}, 'threads:update'],
    ['DELETE', '/threads/t1', undefined, 'threads:delete'],
    ['POST', '/threads/t1/runs/wait', { assistant_id: 'g' }, 'threads:create_run'],
    ['POST', '/runs/stream', { assistant_id: 'g' }, 'threads:create_run'],
    ['POST', '/threads/t1/runs/r1/cancel', {}, 'threads:update'],
    ['POST', '/runs/crons', { schedule: '* * * * *' }, 'crons:create'],
    ['POST', '/runs/crons/search', {}, 'crons:search'],
    ['DELETE', '/runs/crons/c1', undefined, 'crons:delete'],
    ['POST', '/assistants', { graph_id: 'g' }, 'assistants:create'],
    ['GET', '/assistants/a1/graph', undefined, 'assistants:read'],
    ['POST', '/assistants/search', {}, 'assistants:search'],
    ['PUT', '/store/items', { namespace: ['n'], key: 'k', value: {} }, 'store:put'],
    ['POST', '/store/namespaces', {}, 'store:list_namespaces'],
  ])('%s %s is %s', (method, path, body, event) => {
    expect(authEventOf(method, path, body, q)?.event).toBe(event)
  })
  it('names the thread a request acts on, and what a create may change', () => {
    expect(authEventOf('GET', '/threads/t%201', undefined, q)).toMatchObject({ value: { thread_id: 't 1' }, target: { kind: 'thread', id: 't 1' } })
    expect(authEventOf('POST', '/threads', { thread_id: 't2' }, q)).toMatchObject({ target: { kind: 'thread', id: 't2' }, creates: true, writeBack: ['metadata'] })
    expect(authEventOf('GET', '/store/items', undefined, new URLSearchParams('namespace=a.b&key=k'))?.value).toEqual({ namespace: ['a', 'b'], key: 'k' })
    expect(storeAuthFields(['a'], 'k', { v: 1 })).toEqual({ v: 1, namespace: ['a'], key: 'k' })
  })
  it('meta, /api/workflows, /rag and a user\'s routes see no handler', () => {
    for (const p of ['/info', '/ok', '/api/workflows', '/rag/collections', '/custom/hello']) expect(authEventOf('GET', p, undefined, q)).toBeUndefined()
  })
})
