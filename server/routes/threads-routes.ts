import { v7 } from '@langchain/core/utils/uuid'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { createThreadRepo } from '../../store/thread-repo.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { selectFields, sendJson } from '../http-json.js'
import { copyThread } from '../../runtime/thread-copy.js'
import { deleteThread } from '../../runtime/thread-delete.js'
import { withExtracted } from '../../runtime/thread-extract.js'
import { pruneThreads } from '../../runtime/thread-prune.js'
import { applySupersteps } from '../../runtime/thread-update.js'
import { searchThreads, threadView } from '../../runtime/thread-view.js'
import { debuggerRoutes } from './debugger-routes.js'
import { threadStateRoutes } from './thread-state-routes.js'
import { ThreadCount, ThreadCreate, ThreadPatch, ThreadPrune, ThreadSearch } from './thread-schemas.js'

/** `/threads`: create, search, count, read, patch, copy, delete; state and history in thread-state-routes. */
export function threadsRoutes(deps: AppDeps) {
  const { rt } = deps
  const repo = createThreadRepo(rt.store.db)
  const view = async (id: string) => threadView(rt, await repo.get(id))
  return new Hono()
    .post('/threads', zValidator('json', ThreadCreate, invalidInput), async (c) => {
      const b = c.req.valid('json')
      const metadata = b.metadata ?? {}
      // the SDK's `graphId` arrives as metadata.graph_id: a registered graph binds the thread to it
      const graph = typeof metadata.graph_id === 'string' && rt.registry.names().includes(metadata.graph_id) ? metadata.graph_id : null
      const id = b.thread_id ?? v7()
      // a fresh random id cannot exist yet: no lookup before the insert
      const existed = b.thread_id !== undefined && (await repo.find(id)) !== undefined
      const row = await repo.create(id, { metadata, graph, ttl: b.ttl === undefined ? rt.threadTtlMinutes : b.ttl }, b.if_exists ?? 'raise')
      if (!existed && b.supersteps?.length) {
        await applySupersteps(rt, id, b.supersteps)
        return sendJson(c, await view(id))
      }
      return sendJson(c, await threadView(rt, row))
    })
    .post('/threads/search', zValidator('json', ThreadSearch, invalidInput), async (c) => {
      const { select, limit, offset, sort_by, sort_order, extract, ...filter } = c.req.valid('json')
      const { threads, total } = await searchThreads(rt, filter, { limit, offset, sort_by, sort_order })
      c.header('X-Pagination-Total', String(total))
      if (offset + threads.length < total) c.header('X-Pagination-Next', String(offset + threads.length))
      return sendJson(c, threads.map((t) => withExtracted(selectFields(t, select), t, extract)))
    })
    .post('/threads/count', zValidator('json', ThreadCount, invalidInput), async (c) => {
      const { values, ...filter } = c.req.valid('json')
      if (values === undefined) return c.json(await repo.count(filter))
      return c.json((await searchThreads(rt, { ...filter, values }, { limit: 1, offset: 0 })).total)
    })
    .post('/threads/prune', zValidator('json', ThreadPrune, invalidInput), async (c) => {
      const { thread_ids: ids, strategy } = c.req.valid('json')
      return c.json({ pruned_count: await pruneThreads(rt, ids, strategy) })
    })
    .get('/threads/:thread_id', async (c) => sendJson(c, await view(c.req.param('thread_id'))))
    .patch('/threads/:thread_id', zValidator('json', ThreadPatch, invalidInput), async (c) => {
      const id = c.req.param('thread_id')
      const b = c.req.valid('json')
      await repo.patchMetadata(id, b.metadata ?? {})
      if (b.ttl !== undefined) await repo.setTtl(id, b.ttl)
      // the SDK's update({ returnMinimal: true })
      if (/\breturn=minimal\b/.test(c.req.header('prefer') ?? '')) return c.body(null, 204)
      return sendJson(c, await view(id))
    })
    .delete('/threads/:thread_id', async (c) => {
      await deleteThread(rt, c.req.param('thread_id'))
      return c.body(null, 204)
    })
    .post('/threads/:thread_id/copy', async (c) => sendJson(c, await threadView(rt, await copyThread(rt, c.req.param('thread_id')))))
    .route('/', threadStateRoutes(deps))
    .route('/', debuggerRoutes(deps))
}
