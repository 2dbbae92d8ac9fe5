import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { startTestServer, rawJson, type TestServer } from './server-harness.js'

describe('meta routes', () => {
  let t: TestServer
  beforeAll(async () => { t = await startTestServer() })
  afterAll(async () => { await t.close() })

  it('GET /ok answers {ok: true}', async () => {
    expect(await rawJson(`${t.url}/ok`)).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('GET /info reports versions and flags like the official server', async () => {
    const { status, body } = await rawJson(`${t.url}/info`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ version: '0.1.0', context: 'js', flags: { assistants: true, crons: false } })
    expect(body.langgraph_js_version).toMatch(/^1\./)
    const withCrons = await startTestServer({ routes: [cronsRoutes] })
    try {
      expect((await rawJson(`${withCrons.url}/info`)).body).toMatchObject({ flags: { crons: true } })
    } finally {
      await withCrons.close()
    }
  })

  it('an unknown route is a 404 in the error JSON shape', async () => {
    const { status, body } = await rawJson(`${t.url}/nope/nothing`)
    expect(status).toBe(404)
    expect(body).toMatchObject({ code: 'NOT_FOUND', message: 'no route GET /nope/nothing' })
  })
})
