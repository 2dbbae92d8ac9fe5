import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { rawJson, startTestServer, until, type TestServer } from './server-harness.js'

/** A receiver on 127.0.0.1:0 that records the paths POSTed to it; `/hop` redirects elsewhere. */
async function receiver(redirectTo?: string) {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '/')
    req.resume()
    if (req.url === '/hop' && redirectTo) res.writeHead(307, { location: redirectTo }).end()
    else res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { hits, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

describe('run webhooks with SWITCHYARD_WEBHOOK_HOSTS', () => {
  let s: TestServer
  let queue: RunQueue
  let inside: Awaited<ReturnType<typeof receiver>>
  let outside: Awaited<ReturnType<typeof receiver>>
  beforeAll(async () => {
    outside = await receiver()
    inside = await receiver(`http://127.0.0.1:${outside.port}/stolen`)
    s = await startTestServer({ routes: [runsRoutes, cronsRoutes], env: { SWITCHYARD_WEBHOOK_HOSTS: `127.0.0.1:${inside.port}` } })
    queue = await startRunQueue(s.rt)
  })
  afterAll(async () => { await queue.stop(); await s.close(); await inside.close(); await outside.close() })

  it('calls a listed host, refuses others when the run is created, and follows no redirect out of the list', async () => {
    const t = await s.client.threads.create()
    await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'hooked' }, webhook: `http://127.0.0.1:${inside.port}/done` })
    await until(async () => (inside.hits.includes('/done') ? true : undefined), 'the webhook')

    for (const webhook of [`http://127.0.0.1:${outside.port}/x`, `http://localhost:${inside.port}/done`]) {
      const r = await rawJson(`${s.url}/threads/${t.thread_id}/runs`, { method: 'POST', body: JSON.stringify({ assistant_id: 'team', input: { task: 'x' }, webhook }) })
      expect([webhook, r.status, r.body.code]).toEqual([webhook, 400, 'VALIDATION'])
      const c = await rawJson(`${s.url}/runs/crons`, { method: 'POST', body: JSON.stringify({ assistant_id: 'team', schedule: '0 0 1 1 *', input: { task: 'x' }, webhook }) })
      expect([webhook, c.status, c.body.code]).toEqual([webhook, 400, 'VALIDATION'])
    }

    await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'again' }, webhook: `http://127.0.0.1:${inside.port}/hop` })
    await until(async () => (inside.hits.includes('/hop') ? true : undefined), 'the redirecting webhook')
    // the queue's stop waits for every webhook call it started, retries included: none went outside
    await queue.stop()
    expect(outside.hits).toEqual([])
  })
})
