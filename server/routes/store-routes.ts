import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { createStoreItemRepo } from '../../store/store-item-repo.js'
import { MAX_TTL_MINUTES } from '../../store/store-ttl.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'

const Json = z.record(z.string(), z.unknown())
const Namespace = z.array(z.string())
/** Minutes (fractions allowed); null or absent: the item never expires. */
const Ttl = z.number().positive().max(MAX_TTL_MINUTES).nullish()
/** The SDK sends a GET's `refresh_ttl` as `true`/`false`. */
const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

export const PutItem = z.object({ namespace: Namespace, key: z.string().min(1), value: Json, index: z.unknown().optional(), ttl: Ttl })
export const DeleteItem = z.object({ namespace: Namespace.default([]), key: z.string().min(1) })
/** The SDK sends the namespace of a GET as its labels joined with `.`. */
const GetItem = z.object({
  namespace: z.string().optional().transform((ns) => (ns ? ns.split('.') : [])),
  key: z.string().min(1),
  refresh_ttl: QueryBool.optional(),
})
export const SearchItems = z.object({
  namespace_prefix: Namespace.default([]),
  filter: Json.nullish(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  query: z.string().nullish(),
  refresh_ttl: z.boolean().nullish(),
})
export const ListNamespaces = z.object({
  prefix: Namespace.nullish(),
  suffix: Namespace.nullish(),
  max_depth: z.number().int().min(1).nullish(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
})

/**
 * `/store`: the long-term key-value store (items under dotted namespaces). An item put with `ttl` (minutes)
 * expires that long after its last write or read: get and search refresh the expiry of what they return
 * unless `refresh_ttl` is false, and no read returns an expired item. `index` is accepted and ignored;
 * `query` is a substring match (the official server embeds it for a semantic search when an index is set up).
 */
export function storeRoutes({ rt }: AppDeps) {
  const repo = createStoreItemRepo(rt.store.db)
  return new Hono()
    .put('/store/items', zValidator('json', PutItem, invalidInput), async (c) => {
      const b = c.req.valid('json')
      if (b.namespace.length === 0) throw new AppError('VALIDATION', 'namespace is required')
      await repo.put(b.namespace, b.key, b.value, { ttl: b.ttl })
      return c.body(null, 204)
    })
    .get('/store/items', zValidator('query', GetItem, invalidInput), async (c) => {
      const q = c.req.valid('query')
      return c.json(await repo.get(q.namespace, q.key, { refreshTtl: q.refresh_ttl }))
    })
    .delete('/store/items', zValidator('json', DeleteItem, invalidInput), async (c) => {
      const b = c.req.valid('json')
      await repo.delete(b.namespace, b.key)
      return c.body(null, 204)
    })
    .post('/store/items/search', zValidator('json', SearchItems, invalidInput), async (c) => {
      const b = c.req.valid('json')
      const items = await repo.search(b.namespace_prefix, {
        filter: b.filter ?? undefined, query: b.query ?? undefined, limit: b.limit, offset: b.offset, refreshTtl: b.refresh_ttl ?? undefined,
      })
      return c.json({ items })
    })
    .post('/store/namespaces', zValidator('json', ListNamespaces, invalidInput), async (c) => {
      const b = c.req.valid('json')
      const namespaces = await repo.listNamespaces({
        prefix: b.prefix ?? undefined, suffix: b.suffix ?? undefined, maxDepth: b.max_depth ?? undefined, limit: b.limit, offset: b.offset,
      })
      return c.json({ namespaces })
    })
}
