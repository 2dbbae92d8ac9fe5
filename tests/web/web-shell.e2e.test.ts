import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserRunnable, launchBrowser, openPage, screenshot, startWebServer, type WebServer } from './web-harness.js'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'

describe.skipIf(!browserRunnable)('the web debugger shell in Chromium, served by switchyard serve', () => {
  let srv: WebServer
  let browser: Browser
  let threadId: string
  beforeAll(async () => {
    srv = await startWebServer()
    browser = await launchBrowser()
    const thread = await srv.client.threads.create({ metadata: { graph_id: 'sdlc' } })
    threadId = thread.thread_id
    await srv.client.runs.wait(threadId, 'sdlc', { input: { task: 'A URL shortener' } })
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.close()
  })

  it('opens at / with the statistics and the assistants, fetching nothing from elsewhere', async () => {
    const { page, errors, offsite } = await openPage(browser, `${srv.url}/`)
    expect(new URL(page.url()).pathname).toBe('/ui/')
    await expect.poll(() => page.getByTestId('stat-all').textContent(), { timeout: 20_000 }).toBe('1')
    expect(await page.getByTestId('stat-interrupted').textContent()).toBe('1')
    expect(await page.getByTestId('stat-error').textContent()).toBe('0')
    await page.getByRole('link', { name: 'sdlc', exact: true }).waitFor()
    await screenshot(page, 'overview')
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  })

  it('gives a thread and each checkpoint its own URL, and a deep link opens it', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${threadId}`)
    await page.getByRole('heading', { name: new RegExp(`Thread ${threadId}`) }).waitFor()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('interrupted')
    const history = await srv.client.threads.getHistory(threadId, { limit: 100 })
    const oldest = history.at(-1)!.checkpoint.checkpoint_id!
    await page.getByTestId(`cp-${oldest}`).click()
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/ui/threads/${threadId}/checkpoints/${oldest}`)
    await page.getByRole('heading', { name: `Checkpoint ${oldest}` }).waitFor()
    // a reload is a deep link: the server answers it with the page, the router with the checkpoint
    await page.reload()
    await page.getByRole('heading', { name: `Checkpoint ${oldest}` }).waitFor()
    const latest = history[0]!.checkpoint.checkpoint_id!
    await page.goto(`${srv.url}/ui/threads/${threadId}/checkpoints/${latest}`)
    await expect.poll(() => page.getByTestId('checkpoint-values').textContent(), { timeout: 20_000 }).toContain('A URL shortener')
    await screenshot(page, 'checkpoint')
    expect(errors).toEqual([])
    await page.close()
  })

  it('says clearly when a thread, checkpoint, assistant or page does not exist', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${UNKNOWN}`)
    const alert = page.getByRole('alert')
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain(`Not found: thread ${UNKNOWN}`)
    await page.goto(`${srv.url}/ui/threads/${threadId}/checkpoints/not-a-checkpoint`)
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('checkpoint not-a-checkpoint')
    await page.goto(`${srv.url}/ui/assistants/no-such-assistant`)
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('Not found: assistant no-such-assistant')
    await page.goto(`${srv.url}/ui/no/such/page`)
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('No such page')
    await screenshot(page, 'not-found')
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps the API URL and key in localStorage across reloads', async () => {
    const { page } = await openPage(browser, `${srv.url}/ui/settings`)
    await page.getByLabel('API key').fill('some-key-123')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByTestId('settings-saved').waitFor()
    await page.reload()
    expect(await page.getByLabel('API key').inputValue()).toBe('some-key-123')
    expect(await page.getByLabel('API URL').inputValue()).toBe(srv.url)
    await page.getByRole('button', { name: 'Reset to defaults' }).click()
    expect(await page.getByLabel('API key').inputValue()).toBe('')
    await screenshot(page, 'settings')
    await page.close()
  })

  it('shows that the server is down, retries, and recovers by itself when it is back', async () => {
    const { page } = await openPage(browser, `${srv.url}/ui/`)
    await page.getByRole('link', { name: 'sdlc', exact: true }).waitFor()
    await srv.down()
    await page.getByRole('link', { name: 'Threads', exact: true }).click()
    await page.getByTestId('server-down').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('server-down').textContent()).toContain(`The server at ${srv.url} is down`)
    await screenshot(page, 'server-down')
    await srv.up()
    // no click: the retry loop finds the server and the failed list loads
    await page.getByTestId('server-down').waitFor({ state: 'detached', timeout: 30_000 })
    await page.getByRole('link', { name: threadId }).waitFor({ timeout: 20_000 })
    await page.close()
  })
})
