import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { checkIndexPath } from '../../store/store-index-text.js'
import { createStoreItemRepo } from '../../store/store-item-repo.js'
import { MAX_TTL_MINUTES } from '../../store/store-ttl.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { createStoreIndex } from '../../runtime/store-index.js'

const Json = z.record(z.string(), z.unknown())
const Namespace = z.array(z.string())
/** Minutes (fractions allowed); null or absent: the item never expires. */
const Ttl = z.number().positive().max(MAX_TTL_MINUTES).nullish()
/** The SDK sends a GET's `refresh_ttl` as `true`/`false`. */
const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
function pathIssue(path: string, ctx: z.RefinementCtx): void {
  try {
    checkIndexPath(path)
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) })
  }
}

/** false: not indexed; paths (`title`, `meta.title`, `tags[*]`, `$`): embed those; null or absent: the default (`$`). */
const Index = z.union([z.literal(false), z.array(z.string().superRefine(pathIssue)).max(64)]).nullish()
export const PutItem = z.object({ namespace: Namespace, key: z.string().min(1), value: Json, index: Index, ttl: Ttl })
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
 * unless `refresh_ttl` is false, and no read returns an expired item. With an embeddings endpoint
 * configured (`rt.embeddings`), a put embeds the item's `index` fields (default `$`, the whole value;
 * `false`: none) and a search with `query` ranks by cosine similarity, each item with its `score`;
 * without one, `index` is kept (embedded once an endpoint is configured) and `query` is a substring match.
 */
export function storeRoutes({ rt }: AppDeps) {
  const repo = createStoreItemRepo(rt.store.db)
  const index = createStoreIndex(repo, rt.embeddings, rt.store.sqlite)
  return new Hono()
    .put('/store/items', zValidator('json', PutItem, invalidInput), async (c) => {
      const b = c.req.valid('json')
      if (b.namespace.length === 0) throw new AppError('VALIDATION', 'namespace is required')
      const item = { value: b.value, index: b.index ?? rt.storeIndexFields ?? null }
      // embedded before the write: an endpoint failure leaves the stored item as it was
      const vectors = await index?.vectorsFor(b.namespace, b.key, item)
      await repo.put(b.namespace, b.key, b.value, { ttl: b.ttl, index: item.index, vectors })
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
      const filter = b.filter ?? undefined
      const vector = b.query && index ? await index.queryVector(b.namespace_prefix, { query: b.query, filter }) : undefined
      const items = await repo.search(b.namespace_prefix, {
        filter, query: b.query ?? undefined, vector, limit: b.limit, offset: b.offset, refreshTtl: b.refresh_ttl ?? undefined,
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
