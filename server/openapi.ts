import type { Hono } from 'hono'
import { z } from 'zod'
import { AssistantCount, AssistantCreate, AssistantLatest, AssistantPatch, AssistantSearch } from './routes/assistant-schemas.js'
import { CronCount, CronCreate, CronSearch, CronUpdate } from '../runtime/cron-schemas.js'
import { CancelMany, RunBatch, RunCreate } from '../runtime/run-schemas.js'
import { HistoryBody, StateAtCheckpoint, StatePatch, StateUpdate, ThreadCount, ThreadCreate, ThreadPatch, ThreadPrune, ThreadSearch } from './routes/thread-schemas.js'
import { RagDocumentsBody, RagSearchBody } from './routes/rag-routes.js'
import { DeleteItem, ListNamespaces, PutItem, SearchItems } from './routes/store-routes.js'
import { CreateWorkflow, ExecuteWorkflow, RespondWorkflow } from './routes/workflow-schemas.js'

/** Request bodies we validate, by "METHOD /path" (Hono path syntax). */
const BODIES: Record<string, z.ZodType> = {
  'POST /assistants': AssistantCreate,
  'POST /assistants/search': AssistantSearch,
  'POST /assistants/count': AssistantCount,
  'PATCH /assistants/:assistant_id': AssistantPatch,
  'POST /assistants/:assistant_id/latest': AssistantLatest,
  'POST /threads': ThreadCreate,
  'POST /threads/search': ThreadSearch,
  'POST /threads/count': ThreadCount,
  'PATCH /threads/:thread_id': ThreadPatch,
  'POST /threads/prune': ThreadPrune,
  'POST /threads/:thread_id/state': StateUpdate,
  'PATCH /threads/:thread_id/state': StatePatch,
  'POST /threads/:thread_id/state/checkpoint': StateAtCheckpoint,
  'POST /threads/:thread_id/history': HistoryBody,
  'POST /threads/:thread_id/runs': RunCreate,
  'POST /threads/:thread_id/runs/stream': RunCreate,
  'POST /threads/:thread_id/runs/wait': RunCreate,
  'POST /runs': RunCreate,
  'POST /runs/stream': RunCreate,
  'POST /runs/wait': RunCreate,
  'POST /runs/batch': RunBatch,
  'POST /runs/cancel': CancelMany,
  'POST /runs/crons': CronCreate,
  'POST /threads/:thread_id/runs/crons': CronCreate,
  'POST /runs/crons/search': CronSearch,
  'POST /runs/crons/count': CronCount,
  'PATCH /runs/crons/:cron_id': CronUpdate,
  'POST /api/workflows/execute': ExecuteWorkflow,
  'POST /api/workflows': CreateWorkflow,
  'POST /api/workflows/:id/respond': RespondWorkflow,
  'POST /rag/collections/:name/documents': RagDocumentsBody,
  'POST /rag/collections/:name/search': RagSearchBody,
  'PUT /store/items': PutItem,
  'DELETE /store/items': DeleteItem,
  'POST /store/items/search': SearchItems,
  'POST /store/namespaces': ListNamespaces,
}

const ERROR = {
  description: 'A typed error',
  content: { 'application/json': { schema: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } } },
}

const tagOf = (path: string) => path.split('/').filter(Boolean)[0] ?? 'meta'

/**
 * The OpenAPI 3.1 document of an app, read from the app's own route table, so every route is in
 * it; request bodies carry the JSON Schema of the zod schema that validates them.
 */
export function openApiDocument(app: Hono, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}')
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const body = BODIES[`${r.method} ${r.path}`]
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[/:{}-]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: [tagOf(r.path)],
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
      responses: {
        200: { description: r.path.endsWith('/stream') || r.path.endsWith('/stream/events') ? 'Server-sent events' : 'OK' },
        400: ERROR, 401: ERROR, 404: ERROR, 409: ERROR,
      },
    }
    ;(paths[path] ??= {})[r.method.toLowerCase()] = op
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchyard', version, description: 'The LangGraph Platform API, durable on SQLite, plus seed 002\'s /api/workflows' },
    components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' }, bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  }
}
