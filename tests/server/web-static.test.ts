import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './server-harness.js'

const INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="/ui/assets/index-Ab12Cd34.js"></script></body></html>'
const ASSET = 'console.log("app")'

/** A built web/dist stand-in: the server serves whatever files the build left there. */
function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-web-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), INDEX)
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), ASSET)
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  return dir
}

const get = (url: string, init: RequestInit = {}) => fetch(url, { redirect: 'manual', ...init })

describe('the web debugger served by the API server', () => {
  let dist: string
  let api: TestServer
  let keyed: TestServer
  beforeAll(async () => {
    dist = fakeDist()
    api = await startTestServer({ webDir: dist })
    keyed = await startTestServer({ webDir: dist, apiKeys: new Map([['secret-key-1', 'tenant-a']]) })
  })
  afterAll(async () => {
    await api?.close()
    await keyed?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('redirects / to the app and serves its index with no-cache', async () => {
    const root = await get(`${api.url}/`)
    expect(root.status).toBe(302)
    expect(root.headers.get('location')).toBe('/ui/')
    expect((await get(`${api.url}/ui`)).headers.get('location')).toBe('/ui/')
    const page = await get(`${api.url}/ui/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(await page.text()).toBe(INDEX)
  })

  it('answers a deep link with the index, so the app router shows the thread, checkpoint or run', async () => {
    for (const deep of ['/ui/threads/0b7c/checkpoints/1ef-2', '/ui/assistants/sdlc', '/ui/threads/t1/runs/r1', '/ui/no/such/page']) {
      const res = await get(`${api.url}${deep}`)
      expect(res.status, deep).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(await res.text()).toBe(INDEX)
    }
  })

  it('serves hashed assets as immutable, other files revalidated, and a missing asset as a JSON 404', async () => {
    const js = await get(`${api.url}/ui/assets/index-Ab12Cd34.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await js.text()).toBe(ASSET)
    const head = await get(`${api.url}/ui/assets/index-Ab12Cd34.js`, { method: 'HEAD' })
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(ASSET.length)])
    const icon = await get(`${api.url}/ui/favicon.svg`)
    expect([icon.status, icon.headers.get('content-type'), icon.headers.get('cache-control')]).toEqual([200, 'image/svg+xml; charset=utf-8', 'no-cache'])
    const gone = await get(`${api.url}/ui/assets/index-Old00000.js`)
    expect(gone.status).toBe(404)
    expect(await gone.json()).toMatchObject({ code: 'NOT_FOUND', message: 'no web asset /ui/assets/index-Old00000.js' })
  })

  it('never serves a file from outside the build', async () => {
    for (const sneaky of ['/ui/..%2Fpackage.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/assets/../../package.json']) {
      const res = await get(`${api.url}${sneaky}`)
      const body = await res.text()
      expect(body, sneaky).not.toContain('"name": "switchyard"')
    }
  })

  it('leaves API paths alone: unknown ones still answer JSON 404s, known ones JSON', async () => {
    for (const path of ['/nope', '/threads/00000000-0000-0000-0000-000000000000', '/assistants/none/graph', '/api/unknown', '/v2/x', '/store/x/y/z']) {
      const res = await get(`${api.url}${path}`)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/)
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' })
    }
    const post = await get(`${api.url}/ui/`, { method: 'POST' })
    expect([post.status, (await post.json() as { code: string }).code]).toEqual([404, 'NOT_FOUND'])
    expect(await (await get(`${api.url}/ok`)).json()).toEqual({ ok: true })
  })

  it('serves the page without an API key while the API still asks for one', async () => {
    const page = await get(`${keyed.url}/ui/threads/abc`)
    expect([page.status, await page.text()]).toEqual([200, INDEX])
    expect((await get(`${keyed.url}/ui/assets/index-Ab12Cd34.js`)).status).toBe(200)
    const api401 = await get(`${keyed.url}/assistants/search`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(api401.status).toBe(401)
    expect(await api401.json()).toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('says the debugger is not built when web/dist has no index', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sy-web-empty-'))
    const bare = await startTestServer({ webDir: empty })
    try {
      const res = await get(`${bare.url}/ui/threads/x`)
      expect(res.status).toBe(404)
      expect((await res.json() as { message: string }).message).toMatch(/^the web debugger is not built .*npm run build:web/)
      // an API path is still the API's
      expect((await get(`${bare.url}/ok`)).status).toBe(200)
    } finally {
      await bare.close()
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
