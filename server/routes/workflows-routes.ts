import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { WorkflowDefinition } from '../../graphs/workflow/workflow-registry.js'
import { validateWorkflowText } from '../../graphs/workflow/validate.js'
import { AppError } from '../../store/app-error.js'
import { createThreadRepo } from '../../store/thread-repo.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { sendJson } from '../http-json.js'
import { createRun, waitForRun } from '../../runtime/run-service.js'
import { workflowView } from '../../runtime/workflow-view.js'
import { CreateWorkflow, ExecuteWorkflow, RespondWorkflow } from './workflow-schemas.js'

const json = <T extends Parameters<typeof zValidator>[1]>(schema: T) => zValidator('json', schema, (r) => invalidInput({ ...r, target: 'body' }))

/**
 * seed 002's REST API, a thin façade on the same engine: a workflow is a thread, starting it queues
 * a run, and responding to it resumes the human gate it waits at.
 */
export function workflowsRoutes(deps: AppDeps): Hono {
  const { rt } = deps
  const threads = createThreadRepo(rt.store.db)
  const view = async (id: string, steps = true) => workflowView(rt, await threads.get(id), steps)
  const start = async (id: string, kwargs: { input?: unknown; command?: { resume: unknown } }) => {
    const t = await threads.get(id)
    const run = await createRun(rt, { threadId: id, graph: t.graph ?? 'team', kind: kwargs.command ? 'resume' : 'input', kwargs: { ...kwargs, stream_mode: ['values'] }, multitaskStrategy: 'reject' })
    return run
  }
  return new Hono()
    .post('/api/workflows/execute', json(ExecuteWorkflow), async (c) => {
      const { task } = c.req.valid('json')
      const id = randomUUID()
      await threads.create(id, { metadata: { workflow: { task } }, graph: 'team' }, 'raise')
      const run = await start(id, { input: { task } })
      await waitForRun(rt, run.run_id, c.req.raw.signal)
      return sendJson(c, await view(id))
    })
    .post('/api/workflows', json(CreateWorkflow), async (c) => {
      const { task, name, graph } = c.req.valid('json')
      const id = randomUUID()
      await threads.create(id, { metadata: { workflow: { task, ...(name ? { name } : {}) } }, graph }, 'raise')
      return sendJson(c, await view(id), 201)
    })
    .get('/api/workflows', async (c) => {
      const rows = (await threads.search({}, { limit: 100 })).filter((t) => t.metadata.includes('"workflow"'))
      return sendJson(c, await Promise.all(rows.map((t) => workflowView(rt, t, false))))
    })
    // read-only, for the web debugger: a YAML workflow's source beside its graph, with the validator's findings
    .get('/api/workflow-definitions/:graph_id', async (c) => {
      const name = c.req.param('graph_id')
      const def = rt.registry.get(name) as Partial<WorkflowDefinition>
      if (typeof def.file !== 'string') throw new AppError('NOT_FOUND', `graph ${name} is not a YAML workflow`)
      const file = relative(process.cwd(), def.file) || def.file
      const source = await readFile(def.file, 'utf8')
      return sendJson(c, { graph_id: name, file, source, findings: validateWorkflowText(source, file) })
    })
    .get('/api/workflows/:id', async (c) => sendJson(c, await view(c.req.param('id'))))
    .get('/api/workflows/:id/status', async (c) => sendJson(c, await view(c.req.param('id'))))
    .post('/api/workflows/:id/start', async (c) => {
      const id = c.req.param('id')
      const w = await view(id, false)
      if (w.status !== 'created') throw new AppError('CONFLICT', `workflow ${id} is ${w.status}; only a created workflow can be started`)
      const run = await start(id, { input: { task: w.task } })
      return sendJson(c, { workflow_id: id, run_id: run.run_id, status: 'running' }, 202)
    })
    .post('/api/workflows/:id/respond', json(RespondWorkflow), async (c) => {
      const id = c.req.param('id')
      const w = await view(id, false)
      if (w.status !== 'waiting_for_human') throw new AppError('CONFLICT', `workflow ${id} is ${w.status}, not waiting for a human`)
      const run = await start(id, { command: { resume: c.req.valid('json') } })
      await waitForRun(rt, run.run_id, c.req.raw.signal)
      return sendJson(c, await view(id))
    })
}
