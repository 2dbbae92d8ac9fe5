import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { createStoreItemRepo } from '../../store/store-item-repo.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'

const Json = z.record(z.string(), z.unknown())
const Namespace = z.array(z.string())

const PutItem = z.object({ namespace: Namespace, key: z.string().min(1), value: Json, index: z.unknown().optional(), ttl: z.number().nullish() })
const DeleteItem = z.object({ namespace: Namespace.default([]), key: z.string().min(1) })
/** The SDK sends the namespace of a GET as its labels joined with `.`. */
const GetItem = z.object({
  namespace: z.string().optional().transform((ns) => (ns ? ns.split('.') : [])),
  key: z.string().min(1),
  refresh_ttl: z.string().optional(),
})
const SearchItems = z.object({
  namespace_prefix: Namespace.default([]),
  filter: Json.nullish(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  query: z.string().nullish(),
  refresh_ttl: z.boolean().nullish(),
})
const ListNamespaces = z.object({
  prefix: Namespace.nullish(),
  suffix: Namespace.nullish(),
  max_depth: z.number().int().min(1).nullish(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
})

/** `/store`: the long-term key-value store (items under dotted namespaces). TTLs are accepted and ignored. */
export function storeRoutes({ rt }: AppDeps) {
  const repo = createStoreItemRepo(rt.store.db)
  return new Hono()
    .put('/store/items', zValidator('json', PutItem, invalidInput), async (c) => {
      const b = c.req.valid('json')
      if (b.namespace.length === 0) throw new AppError('VALIDATION', 'namespace is required')
      await repo.put(b.namespace, b.key, b.value)
      return c.body(null, 204)
    })
    .get('/store/items', zValidator('query', GetItem, invalidInput), async (c) => {
      const q = c.req.valid('query')
      return c.json(await repo.get(q.namespace, q.key))
    })
    .delete('/store/items', zValidator('json', DeleteItem, invalidInput), async (c) => {
      const b = c.req.valid('json')
      await repo.delete(b.namespace, b.key)
      return c.body(null, 204)
    })
    .post('/store/items/search', zValidator('json', SearchItems, invalidInput), async (c) => {
      const b = c.req.valid('json')
      const items = await repo.search(b.namespace_prefix, { filter: b.filter ?? undefined, query: b.query ?? undefined, limit: b.limit, offset: b.offset })
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
