import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { createCronRepo } from '../../store/cron-repo.js'
import type { AppDeps } from '../app-deps.js'
import { createCron, cronView, updateCron } from '../../runtime/cron-service.js'
import { invalidInput } from '../http-errors.js'
import { selectFields, sendJson } from '../http-json.js'
import { CronCount, CronCreate, CronSearch, CronUpdate } from '../../runtime/cron-schemas.js'

const json = <T extends Parameters<typeof zValidator>[1]>(schema: T) => zValidator('json', schema, (r) => invalidInput({ ...r, target: 'body' }))

/**
 * Cron jobs: a schedule that queues a run on a thread, or a stateless run on a new thread, each time
 * it comes due (fired by the run queue's scheduler, `runtime/cron-scheduler.ts`).
 */
export function cronsRoutes(deps: AppDeps): Hono {
  const { rt } = deps
  const repo = createCronRepo(rt.store.db)
  return new Hono()
    .post('/runs/crons', json(CronCreate), async (c) => sendJson(c, cronView(await createCron(rt, undefined, c.req.valid('json')))))
    .post('/threads/:thread_id/runs/crons', json(CronCreate), async (c) =>
      sendJson(c, cronView(await createCron(rt, c.req.param('thread_id'), c.req.valid('json')))))
    .post('/runs/crons/search', json(CronSearch), async (c) => {
      const b = c.req.valid('json')
      const filter = { assistant_id: b.assistant_id ?? undefined, thread_id: b.thread_id ?? undefined, enabled: b.enabled ?? undefined, metadata: b.metadata ?? undefined }
      const rows = await repo.search(filter, { limit: b.limit, offset: b.offset, sort_by: b.sort_by ?? undefined, sort_order: b.sort_order ?? undefined })
      return sendJson(c, rows.map((r) => selectFields(b.select?.includes('now') ? { ...cronView(r), now: new Date().toISOString() } : cronView(r), b.select)))
    })
    .post('/runs/crons/count', json(CronCount), async (c) => {
      const b = c.req.valid('json')
      return sendJson(c, await repo.count({ assistant_id: b.assistant_id ?? undefined, thread_id: b.thread_id ?? undefined, metadata: b.metadata ?? undefined }))
    })
    .get('/runs/crons/:cron_id', async (c) => sendJson(c, cronView(await repo.get(c.req.param('cron_id')))))
    .patch('/runs/crons/:cron_id', json(CronUpdate), async (c) => sendJson(c, cronView(await updateCron(rt, c.req.param('cron_id'), c.req.valid('json')))))
    .delete('/runs/crons/:cron_id', async (c) => {
      await repo.delete(c.req.param('cron_id'))
      rt.wakeCrons()
      return c.body(null, 204)
    })
}
