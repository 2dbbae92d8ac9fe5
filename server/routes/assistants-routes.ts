import { v7 } from '@langchain/core/utils/uuid'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { createCronRepo } from '../../store/cron-repo.js'
import { createAssistantRepo } from '../../store/assistant-repo.js'
import { createThreadRepo } from '../../store/thread-repo.js'
import type { AppDeps } from '../app-deps.js'
import { getAssistant, resolveAssistantId } from '../../runtime/graph-assistants.js'
import { drawGraph } from '../../runtime/graph-drawing.js'
import { graphSchemas, subgraphSchemas } from '../../runtime/graph-schemas.js'
import { invalidInput } from '../http-errors.js'
import { selectFields } from '../http-json.js'
import { deleteThread } from '../../runtime/thread-delete.js'
import {
  AssistantCount, AssistantCreate, AssistantLatest, AssistantPatch, AssistantSearch, AssistantVersionsQuery,
  DeleteQuery, SubgraphsQuery, XrayQuery,
} from './assistant-schemas.js'

/** `/assistants`: one default assistant per graph (its id a uuid5 of the graph name), plus any created here. */
export function assistantsRoutes({ rt }: AppDeps) {
  const db = rt.store.db
  const repo = createAssistantRepo(db)
  const idOf = (raw: string) => resolveAssistantId(rt, raw)
  return new Hono()
    .post('/assistants', zValidator('json', AssistantCreate, invalidInput), async (c) => {
      const b = c.req.valid('json')
      rt.registry.get(b.graph_id)
      const fields = {
        graph_id: b.graph_id, name: b.name ?? 'Untitled', description: b.description ?? null,
        config: b.config ?? {}, context: b.context ?? {}, metadata: b.metadata ?? {},
      }
      return c.json(await db.transaction().execute((trx) => createAssistantRepo(trx).create(b.assistant_id ?? v7(), fields, b.if_exists ?? 'raise')))
    })
    .post('/assistants/search', zValidator('json', AssistantSearch, invalidInput), async (c) => {
      const { select, limit, offset, sort_by, sort_order, ...filter } = c.req.valid('json')
      const [rows, total] = await Promise.all([repo.search(filter, { limit, offset, sort_by, sort_order }), repo.count(filter)])
      c.header('X-Pagination-Total', String(total))
      if (offset + rows.length < total) c.header('X-Pagination-Next', String(offset + rows.length))
      return c.json(rows.map((a) => selectFields(a, select)))
    })
    .post('/assistants/count', zValidator('json', AssistantCount, invalidInput), async (c) => c.json(await repo.count(c.req.valid('json'))))
    .get('/assistants/:id', async (c) => c.json(await getAssistant(rt, c.req.param('id'))))
    .patch('/assistants/:id', zValidator('json', AssistantPatch, invalidInput), async (c) => {
      const { description, ...b } = c.req.valid('json')
      if (b.graph_id !== undefined) rt.registry.get(b.graph_id)
      const patch = { ...b, ...(description !== undefined ? { description } : {}) }
      return c.json(await db.transaction().execute((trx) => createAssistantRepo(trx).patch(idOf(c.req.param('id')), patch)))
    })
    .delete('/assistants/:id', zValidator('query', DeleteQuery, invalidInput), async (c) => {
      const id = idOf(c.req.param('id'))
      await repo.delete(id)
      // its crons could only fail from now on
      await createCronRepo(db).deleteForAssistant(id)
      rt.wakeCrons()
      if (c.req.valid('query').delete_threads) {
        for (const t of await createThreadRepo(db).search({ metadata: { assistant_id: id } }, {})) await deleteThread(rt, t.thread_id)
      }
      return c.json([id])
    })
    .get('/assistants/:id/graph', zValidator('query', XrayQuery, invalidInput), async (c) => {
      const a = await getAssistant(rt, c.req.param('id'))
      return c.json(await drawGraph(rt.graph(a.graph_id), c.req.valid('query').xray))
    })
    .get('/assistants/:id/schemas', async (c) => c.json(graphSchemas(rt, (await getAssistant(rt, c.req.param('id'))).graph_id)))
    .get('/assistants/:id/subgraphs/:namespace?', zValidator('query', SubgraphsQuery, invalidInput), async (c) => {
      const a = await getAssistant(rt, c.req.param('id'))
      return c.json(await subgraphSchemas(rt, a.graph_id, { namespace: c.req.param('namespace'), recurse: c.req.valid('query').recurse }))
    })
    .post('/assistants/:id/versions', zValidator('json', AssistantVersionsQuery, invalidInput), async (c) => {
      const id = idOf(c.req.param('id'))
      await repo.get(id)
      return c.json(await repo.versions(id, c.req.valid('json')))
    })
    .post('/assistants/:id/latest', zValidator('json', AssistantLatest, invalidInput), async (c) =>
      c.json(await db.transaction().execute((trx) => createAssistantRepo(trx).setLatest(idOf(c.req.param('id')), c.req.valid('json').version))))
}
