import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startTestServer, type TestServer } from './server-harness.js'

const PAGE = fileURLToPath(new URL('./fixtures/use-stream-page.ts', import.meta.url))
// Debian's chromium (apt-get install chromium); .ci/run installs it, and CI must not skip this file
const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium'
const runnable = existsSync(CHROMIUM) || process.env.CI !== undefined

/** Serves the bundled page (React + the SDK's useStream) from its own origin, as a web app would be. */
async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const out = await build({
    entryPoints: [PAGE], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const js = out.outputFiles[0]!.text
  const html = '<!doctype html><html><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>'
  const srv: Server = createServer((req, res) => {
    const [type, body] = req.url === '/app.js' ? ['text/javascript', js] : ['text/html', html]
    res.writeHead(200, { 'content-type': type }).end(body)
  })
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok))
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => { srv.closeAllConnections(); srv.close(() => ok()) }),
  }
}

const text = (page: Page, id: string) => page.locator(`#${id}`).textContent()
/** Waits until the page shows `value` in element `#id`. */
const until = (page: Page, id: string, value: string) => expect.poll(() => text(page, id), { timeout: 30_000, interval: 50 }).toBe(value)

describe.skipIf(!runnable)('useStream (@langchain/langgraph-sdk/react) in Chromium', () => {
  let api: TestServer
  let queue: RunQueue
  let web: Awaited<ReturnType<typeof servePage>>
  let browser: Browser
  const pageErrors: string[] = []

  beforeAll(async () => {
    // the page is on another origin: the server answers it only with CORS enabled
    api = await startTestServer({ corsOrigins: ['*'], routes: [runsRoutes] })
    queue = await startRunQueue(api.rt)
    web = await servePage()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await queue?.stop()
    await api?.close()
  })

  it('streams sdlc to its first gate, resumes it with a command, and leaves the thread as the SDK sees it', async () => {
    const page = await browser.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(`${web.url}/?api=${encodeURIComponent(api.url)}`)
    await page.click('#start')
    // the hook created the thread, streamed the run and surfaced the analyst's gate as its interrupt
    await until(page, 'gate', 'analyst')
    const threadId = (await text(page, 'thread'))!
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/)
    const first = JSON.parse((await text(page, 'values'))!) as { task?: string; artifacts?: Record<string, unknown> }
    expect(first).toHaveProperty('__interrupt__')
    expect(first.task).toBe('A URL shortener')
    expect(Object.keys(first.artifacts ?? {})).toEqual(['analyst'])
    expect(JSON.stringify(first.artifacts)).toContain('[offline model]')

    // approve through the hook: a resume command on the same thread moves on to the architect's gate
    await page.click('#approve')
    await until(page, 'gate', 'architect')
    await until(page, 'loading', 'false')
    // the hook's values carry the pending interrupt as the stream sent it, beside the state
    const { __interrupt__: pending, ...second } = JSON.parse((await text(page, 'values'))!) as { artifacts?: Record<string, unknown>; __interrupt__?: { value: { phase: string } }[] }
    expect(Object.keys(second.artifacts ?? {}).sort()).toEqual(['analyst', 'architect'])
    expect(pending?.map((i) => i.value.phase)).toEqual(['architect'])
    expect(await text(page, 'error')).toBe('')
    expect(pageErrors).toEqual([])

    // what the browser saw is what the store holds
    const state = await api.client.threads.getState(threadId)
    expect(state.next).toEqual(['review_architect'])
    expect(state.values).toEqual(second)
    const runs = await api.client.runs.list(threadId)
    expect(runs.map((r) => r.status)).toEqual(['success', 'success'])
    expect((await api.client.threads.get(threadId)).status).toBe('interrupted')
  })
  it('chats with the chat graph: the hook lists the messages as they stream, turn after turn', async () => {
    const page = await browser.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(`${web.url}/?assistant=chat&api=${encodeURIComponent(api.url)}`)
    type Shown = { type: string; content: string }[]
    const shown = async () => JSON.parse((await text(page, 'messages'))!) as Shown
    await page.click('#send')
    await expect.poll(async () => (await shown()).map((m) => m.type), { timeout: 30_000, interval: 50 }).toEqual(['human', 'ai', 'tool', 'ai'])
    await until(page, 'loading', 'false')
    await page.click('#send')
    await expect.poll(async () => (await shown()).length, { timeout: 30_000, interval: 50 }).toBe(8)
    await until(page, 'loading', 'false')
    const messages = await shown()
    expect(messages[4]!.content).toBe('question 2: what is BM25?')
    expect(messages[7]!.content).toMatch(/^\[offline model\].*question 2/)
    expect(pageErrors).toEqual([])
    // what the page shows is the thread's state
    const threadId = new URL(page.url()).searchParams.get('thread')!
    const state = await api.client.threads.getState(threadId)
    expect((state.values as { messages: { content: unknown }[] }).messages.map((m) => m.content)).toEqual(messages.map((m) => m.content))
  })

  it('rejoins a run in progress after the page reloads (reconnectOnMount) and ends where the store ends', async () => {
    // a slow offline model keeps the run going while the page reloads
    const slow = await startTestServer({ corsOrigins: ['*'], routes: [runsRoutes], env: { SWITCHYARD_OFFLINE_DELAY_MS: '80' } })
    const slowQueue = await startRunQueue(slow.rt)
    try {
      const page = await browser.newPage()
      page.on('pageerror', (e) => pageErrors.push(e.message))
      const joins: string[] = []
      page.on('request', (r) => { if (r.method() === 'GET' && /\/runs\/[^/]+\/stream$/.test(new URL(r.url()).pathname)) joins.push(r.url()) })
      await page.goto(`${web.url}/?api=${encodeURIComponent(slow.url)}`)
      await page.click('#start')
      await until(page, 'loading', 'true')
      await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('thread=')
      const threadId = new URL(page.url()).searchParams.get('thread')!
      // the hook creates the thread (and puts it in the URL) before it creates the run: wait for the run
      await expect.poll(async () => (await slow.client.runs.list(threadId))[0]?.status, { timeout: 30_000, interval: 50 }).toBe('running')
      const [run] = await slow.client.runs.list(threadId)

      await page.reload()
      await until(page, 'gate', 'analyst')
      // the reloaded page joined the same run's stream instead of starting another
      expect(joins.some((u) => u.includes(`/threads/${threadId}/runs/${run!.run_id}/stream`))).toBe(true)
      const runs = await slow.client.runs.list(threadId)
      expect(runs.map((r) => [r.run_id, r.status])).toEqual([[run!.run_id, 'success']])
      // (values rebuilt after a rejoin carry no `__interrupt__` key; the gate above came from the interrupt)
      const { __interrupt__: _pending, ...shown } = JSON.parse((await text(page, 'values'))!) as { __interrupt__?: unknown[] }
      expect(shown).toEqual((await slow.client.threads.getState(threadId)).values)
      expect(pageErrors).toEqual([])
    } finally {
      await slowQueue.stop()
      await slow.close()
    }
  })
})
