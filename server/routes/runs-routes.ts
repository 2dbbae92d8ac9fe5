import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { AppError } from '../../store/app-error.js'
import type { RunRow } from '../../store/run-schema.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { selectFields, sendJson } from '../http-json.js'
import { queueRunRequest } from '../../runtime/run-request.js'
import { cancelRun, waitForRun } from '../../runtime/run-service.js'
import { runOutcome, runView } from '../../runtime/run-view.js'
import { afterSeqFromHeader, sseRun } from '../sse-run.js'
import { CancelMany, CancelManyQuery, CancelQuery, ListRunsQuery, RunBatch, RunCreate } from '../../runtime/run-schemas.js'

const json = <T extends Parameters<typeof zValidator>[1]>(schema: T) => zValidator('json', schema, (r) => invalidInput({ ...r, target: 'body' }))
const query = <T extends Parameters<typeof zValidator>[1]>(schema: T) => zValidator('query', schema, (r) => invalidInput({ ...r, target: 'query' }))

const queue = (deps: AppDeps, threadId: string | undefined, body: RunCreate) => queueRunRequest(deps.rt, threadId, body)

async function threadRun(deps: AppDeps, threadId: string, runId: string) {
  await deps.rt.runs.getThread(threadId) // in the caller's tenant, or 404
  const run = await deps.rt.runs.getRun(runId)
  if (run.thread_id !== threadId) throw new AppError('NOT_FOUND', `unknown run ${runId} on thread ${threadId}`)
  return run
}

async function awaitOutcome(deps: AppDeps, known: RunRow, signal?: AbortSignal) {
  const run = await waitForRun(deps.rt, known.run_id, signal, known)
  return runOutcome(deps.rt, run, known.graph, known.thread_id)
}

/** Runs: background, streamed (SSE), waited; stateless; join, rejoin with Last-Event-ID, cancel. */
export function runsRoutes(deps: AppDeps): Hono {
  const { rt } = deps
  const stream = (c: Parameters<typeof sseRun>[0], run: { run_id: string; thread_id: string }, onDisconnect?: string) =>
    sseRun(c, rt, run, { afterSeq: -1, cancelOnDisconnect: onDisconnect === 'cancel', heartbeatMs: deps.heartbeatMs })
  return new Hono()
    .post('/threads/:thread_id/runs', json(RunCreate), async (c) => {
      const run = await queue(deps, c.req.param('thread_id'), c.req.valid('json'))
      c.header('Content-Location', `/threads/${run.thread_id}/runs/${run.run_id}`)
      return sendJson(c, runView(run))
    })
    .post('/threads/:thread_id/runs/stream', json(RunCreate), async (c) => {
      const body = c.req.valid('json')
      return stream(c, await queue(deps, c.req.param('thread_id'), body), body.on_disconnect)
    })
    .post('/threads/:thread_id/runs/wait', json(RunCreate), async (c) => {
      const run = await queue(deps, c.req.param('thread_id'), c.req.valid('json'))
      c.header('Content-Location', `/threads/${run.thread_id}/runs/${run.run_id}`)
      return sendJson(c, await awaitOutcome(deps, run, c.req.raw.signal))
    })
    .get('/threads/:thread_id/runs', query(ListRunsQuery), async (c) => {
      const threadId = c.req.param('thread_id')
      await rt.runs.getThread(threadId)
      const { select, ...q } = c.req.valid('query')
      const runs = (await rt.runs.listRuns(threadId, q)).map(runView)
      return sendJson(c, runs.map((r) => selectFields(r, select)))
    })
    .get('/threads/:thread_id/runs/:run_id', async (c) => sendJson(c, runView(await threadRun(deps, c.req.param('thread_id'), c.req.param('run_id')))))
    .delete('/threads/:thread_id/runs/:run_id', async (c) => {
      const run = await threadRun(deps, c.req.param('thread_id'), c.req.param('run_id'))
      if (run.status === 'pending' || run.status === 'running') throw new AppError('CONFLICT', `run ${run.run_id} is ${run.status}; cancel it first`)
      await rt.runs.deleteRun(run.run_id)
      return c.body(null, 204)
    })
    .get('/threads/:thread_id/runs/:run_id/join', async (c) => {
      const run = await threadRun(deps, c.req.param('thread_id'), c.req.param('run_id'))
      return sendJson(c, await awaitOutcome(deps, run, c.req.raw.signal))
    })
    .get('/threads/:thread_id/runs/:run_id/stream', async (c) => {
      const run = await threadRun(deps, c.req.param('thread_id'), c.req.param('run_id'))
      const afterSeq = await afterSeqFromHeader(rt, run.run_id, c.req.header('Last-Event-ID'))
      const cancelOnDisconnect = c.req.query('cancel_on_disconnect') === 'true'
      return sseRun(c, rt, run, { afterSeq, cancelOnDisconnect, heartbeatMs: deps.heartbeatMs })
    })
    .post('/threads/:thread_id/runs/:run_id/cancel', query(CancelQuery), async (c) => {
      const run = await threadRun(deps, c.req.param('thread_id'), c.req.param('run_id'))
      const { wait, action } = c.req.valid('query')
      await cancelRun(rt, run, action)
      if (wait) await waitForRun(rt, run.run_id, c.req.raw.signal)
      return c.body(null, wait ? 204 : 202)
    })
    .post('/runs/cancel', query(CancelManyQuery), json(CancelMany), async (c) => {
      const b = c.req.valid('json')
      const { action } = c.req.valid('query')
      const threadId = b.thread_id ?? undefined
      if (threadId !== undefined) await rt.runs.getThread(threadId) // in the caller's tenant, or 404
      let runs: RunRow[]
      if (b.run_ids) {
        const found = await rt.runs.runsInScope({ threadId, runIds: b.run_ids })
        const missing = b.run_ids.filter((id) => !found.some((r) => r.run_id === id))
        if (missing.length) throw new AppError('NOT_FOUND', `unknown runs: ${missing.join(', ')}`, { details: { run_ids: missing } })
        runs = found.filter((r) => r.status === 'pending' || r.status === 'running')
      } else {
        runs = await rt.runs.runsInScope({ threadId, statuses: b.status === 'all' ? ['pending', 'running'] : [b.status as 'pending' | 'running'] })
      }
      for (const run of runs) await cancelRun(rt, run, action)
      return c.body(null, 204)
    })
    .post('/runs', json(RunCreate), async (c) => sendJson(c, runView(await queue(deps, undefined, c.req.valid('json')))))
    .post('/runs/stream', json(RunCreate), async (c) => {
      const body = c.req.valid('json')
      return stream(c, await queue(deps, undefined, body), body.on_disconnect)
    })
    .post('/runs/wait', json(RunCreate), async (c) => {
      const run = await queue(deps, undefined, c.req.valid('json'))
      return sendJson(c, await awaitOutcome(deps, run, c.req.raw.signal))
    })
    .post('/runs/batch', json(RunBatch), async (c) => {
      const runs = []
      for (const body of c.req.valid('json')) runs.push(runView(await queue(deps, undefined, body)))
      return sendJson(c, runs)
    })
}
