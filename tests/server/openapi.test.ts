import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { ragRoutes } from '../../server/routes/rag-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'

describe('GET /openapi.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-oa-'))
  let rt: Runtime
  beforeAll(async () => { rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } }) })
  afterAll(async () => { await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('describes every route the app serves, with the JSON Schema of validated bodies', async () => {
    const app = createApp({ rt, routes: [runsRoutes, cronsRoutes, workflowsRoutes, ragRoutes] })
    const doc = await (await app.request('/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> }
    expect(doc.openapi).toBe('3.1.0')
    const served = app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    for (const r of served) {
      expect(doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined()
    }
    for (const p of ['/threads/{thread_id}/runs/stream', '/threads/{thread_id}/history', '/assistants/search', '/store/items', '/api/workflows/execute', '/runs/crons', '/runs/crons/search', '/openapi.json']) expect(doc.paths).toHaveProperty([p])
    const run = doc.paths['/threads/{thread_id}/runs/wait']!.post!.requestBody!.content['application/json']!.schema
    expect(Object.keys(run.properties ?? {})).toEqual(expect.arrayContaining(['assistant_id', 'input', 'command', 'stream_mode', 'multitask_strategy']))
    const search = doc.paths['/rag/collections/{name}/search']!.post!.requestBody!.content['application/json']!.schema
    expect(Object.keys(search.properties ?? {})).toEqual(expect.arrayContaining(['query', 'k', 'filter']))
    const cron = doc.paths['/runs/crons']!.post!.requestBody!.content['application/json']!.schema
    expect(Object.keys(cron.properties ?? {})).toEqual(expect.arrayContaining(['assistant_id', 'schedule', 'timezone', 'end_time', 'on_run_completed', 'input']))
    const put = doc.paths['/store/items']!.put!.requestBody!.content['application/json']!.schema
    expect(Object.keys(put.properties ?? {})).toEqual(expect.arrayContaining(['namespace', 'key', 'value', 'ttl']))
    const patchState = doc.paths['/threads/{thread_id}/state']!.patch!.requestBody!.content['application/json']!.schema
    expect(Object.keys(patchState.properties ?? {})).toEqual(expect.arrayContaining(['metadata']))
  })
})
