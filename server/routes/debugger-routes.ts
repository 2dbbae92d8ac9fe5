import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { sendJson } from '../http-json.js'
import { graphVersion, storeGraphVersion } from '../../runtime/graph-version.js'

const EventsQuery = z.object({
  after_seq: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
})

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/**
 * What the web debugger reads beyond the Platform API: a run's durable event log with the time each
 * event was logged (the waterfall of node spans, a thread's export), and the versions of the graph a
 * thread's runs executed beside today's (graph drift). Both are scoped like the thread they name.
 */
export function debuggerRoutes(deps: AppDeps): Hono {
  const { rt } = deps
  const db = rt.store.db
  return new Hono()
    .get('/api/threads/:thread_id/runs/:run_id/events', zValidator('query', EventsQuery, (r) => invalidInput({ ...r, target: 'query' })), async (c) => {
      const threadId = c.req.param('thread_id')
      const runId = c.req.param('run_id')
      await rt.runs.getThread(threadId) // in the caller's tenant, or 404
      const run = await db.selectFrom('runs').select(['run_id', 'thread_id']).where('run_id', '=', runId).executeTakeFirst()
      if (run?.thread_id !== threadId) throw new AppError('NOT_FOUND', `unknown run ${runId} on thread ${threadId}`)
      const { after_seq: afterSeq, limit } = c.req.valid('query')
      const rows = await db.selectFrom('run_events').select(['seq', 'event', 'data', 'created_at'])
        .where('run_id', '=', runId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
      return sendJson(c, rows.map((r) => ({ seq: r.seq, event: r.event, data: parse(r.data), created_at: r.created_at })))
    })
    .get('/api/threads/:thread_id/graph-versions', async (c) => {
      const threadId = c.req.param('thread_id')
      const thread = await rt.runs.getThread(threadId)
      const attempts = await db.selectFrom('run_events').innerJoin('runs', 'runs.run_id', 'run_events.run_id')
        .select(['run_events.run_id', 'run_events.data', 'run_events.created_at', 'runs.graph'])
        .where('runs.thread_id', '=', threadId).where('run_events.event', '=', 'metadata')
        .orderBy('run_events.created_at').execute()
      const graphId = thread.graph ?? attempts.at(-1)?.graph ?? null
      let currentHash: string | null = null
      if (graphId !== null && rt.registry.has(graphId)) {
        const current = await graphVersion(rt.graph(graphId))
        await storeGraphVersion(db, graphId, current)
        currentHash = current?.hash ?? null
      }
      const runs = attempts.map((a) => {
        const d = parse(a.data) as { attempt?: unknown; graph_hash?: unknown }
        return { run_id: a.run_id, attempt: typeof d.attempt === 'number' ? d.attempt : 1, graph_hash: typeof d.graph_hash === 'string' ? d.graph_hash : null, started_at: a.created_at }
      })
      const hashes = [...new Set([...runs.flatMap((r) => (r.graph_hash ? [r.graph_hash] : [])), ...(currentHash ? [currentHash] : [])])]
      const versions = hashes.length
        ? await db.selectFrom('graph_versions').selectAll().where('graph_hash', 'in', hashes).orderBy('created_at').execute()
        : []
      return sendJson(c, {
        graph_id: graphId,
        current_hash: currentHash,
        runs,
        versions: versions.map((v) => ({ graph_hash: v.graph_hash, graph_id: v.graph_id, created_at: v.created_at, drawing: parse(v.drawing) })),
      })
    })
}
