import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { AppDeps } from '../app-deps.js'
import { invalidInput } from '../http-errors.js'
import { sendJson } from '../http-json.js'
import { selectState } from '../../runtime/state-select.js'
import { readThreadHistory, readThreadState } from '../../runtime/thread-state.js'
import { patchThreadState } from '../../runtime/thread-state-patch.js'
import { updateThreadState } from '../../runtime/thread-update.js'
import { HistoryBody, HistoryQuery, StateAtCheckpoint, StatePatch, StateQuery, StateUpdate } from './thread-schemas.js'

/** A thread's state (head or at a checkpoint), state updates (forks), metadata patches and checkpoint history. */
export function threadStateRoutes({ rt }: AppDeps) {
  return new Hono()
    .get('/threads/:thread_id/state', zValidator('query', StateQuery, invalidInput), async (c) => {
      const { subgraphs, select } = c.req.valid('query')
      return sendJson(c, selectState(await readThreadState(rt, c.req.param('thread_id'), { subgraphs }), select))
    })
    .post('/threads/:thread_id/state', zValidator('json', StateUpdate, invalidInput), async (c) => {
      const { checkpoint, ...u } = c.req.valid('json')
      return sendJson(c, await updateThreadState(rt, c.req.param('thread_id'), { ...u, checkpoint: checkpoint ?? undefined }))
    })
    .patch('/threads/:thread_id/state', zValidator('json', StatePatch, invalidInput), async (c) => {
      const { checkpoint, ...p } = c.req.valid('json')
      await patchThreadState(rt, c.req.param('thread_id'), { ...p, checkpoint: checkpoint ?? undefined })
      return c.json({})
    })
    .post('/threads/:thread_id/state/checkpoint', zValidator('json', StateAtCheckpoint, invalidInput), async (c) => {
      const { checkpoint, subgraphs, select } = c.req.valid('json')
      return sendJson(c, selectState(await readThreadState(rt, c.req.param('thread_id'), { checkpoint, subgraphs }), select))
    })
    .get('/threads/:thread_id/state/:checkpoint_id', zValidator('query', StateQuery, invalidInput), async (c) => {
      const checkpoint = { checkpoint_id: c.req.param('checkpoint_id') }
      const { subgraphs, select } = c.req.valid('query')
      return sendJson(c, selectState(await readThreadState(rt, c.req.param('thread_id'), { checkpoint, subgraphs }), select))
    })
    .get('/threads/:thread_id/history', zValidator('query', HistoryQuery, invalidInput), async (c) => {
      const { select, ...q } = c.req.valid('query')
      return sendJson(c, await readThreadHistory(rt, c.req.param('thread_id'), q, (s) => selectState(s, select)))
    })
    .post('/threads/:thread_id/history', zValidator('json', HistoryBody, invalidInput), async (c) => {
      const b = c.req.valid('json')
      const states = await readThreadHistory(rt, c.req.param('thread_id'), {
        limit: b.limit, before: b.before ?? undefined, metadata: b.metadata ?? undefined, checkpoint: b.checkpoint ?? undefined,
      }, (s) => selectState(s, b.select))
      return sendJson(c, states)
    })
}
