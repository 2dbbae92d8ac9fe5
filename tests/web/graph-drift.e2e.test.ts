import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, browserRunnable, launchBrowser, openPage, screenshot, startWebServer, type WebServer } from './web-harness.js'

const WORKFLOW = (steps: string[]) => `name: drift
version: 1
steps:
${steps.map((id, i) => `  - id: ${id}\n    type: shell\n${i ? `    needs: ${steps[i - 1]}\n` : ''}    with: { shell: true, run: "echo ${id}" }`).join('\n')}
`

const drawnNodes = (page: Page) => page.locator('[data-testid="thread-graph"] .flow-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')).filter((id) => id && !id.startsWith('__')).sort())

describe.skipIf(!browserRunnable)('graph drift in Chromium: a YAML workflow changed under an existing thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-web-drift-'))
  const workflows = join(dir, 'workflows')
  let srv: WebServer
  let browser: Browser
  beforeAll(async () => {
    mkdirSync(workflows, { recursive: true })
    writeFileSync(join(workflows, 'drift.yaml'), WORKFLOW(['fetch', 'build']))
    srv = await startWebServer({ env: { SWITCHYARD_WORKFLOWS: workflows } })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('after a restart on the same database with the workflow changed, the thread page says so and draws the version it ran under', async () => {
    const t = await srv.client.threads.create({ metadata: { graph_id: 'drift' } })
    await srv.client.runs.wait(t.thread_id, 'drift', { input: {} })
    // today's version, before the change: no drift said
    const before = await openPage(browser, `${srv.url}/ui/threads/${t.thread_id}`)
    await before.page.locator('[data-testid="thread-graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    await expect.poll(() => drawnNodes(before.page), { timeout: 30_000 }).toEqual(['build', 'fetch'])
    expect(await before.page.getByTestId('drift').count()).toBe(0)
    await before.page.close()

    // the workflow gains a step; serve restarts on the same database
    await srv.down()
    writeFileSync(join(workflows, 'drift.yaml'), WORKFLOW(['fetch', 'build', 'ship']))
    await srv.up()

    const { page, errors, offsite } = await openPage(browser, `${srv.url}/ui/threads/${t.thread_id}`)
    const note = page.getByTestId('drift')
    await note.waitFor({ timeout: 30_000 })
    expect(await note.textContent()).toContain('another version of the graph')
    // the drawing is today's (three steps) until asked for the old one
    await expect.poll(() => drawnNodes(page), { timeout: 30_000 }).toEqual(['build', 'fetch', 'ship'])
    await page.getByTestId('drift-toggle').click()
    await expect.poll(() => drawnNodes(page), { timeout: 30_000 }).toEqual(['build', 'fetch'])
    expect(await page.getByTestId('drift-toggle').getAttribute('aria-pressed')).toBe('true')
    expect(await page.locator('[data-testid="thread-graph"] [role="figure"]').getAttribute('aria-label')).toContain('the version it ran under')
    await screenshot(page, 'graph-drift')
    expect(await axeViolations(page)).toEqual([])
    // and back to today's
    await page.getByTestId('drift-toggle').click()
    await expect.poll(() => drawnNodes(page), { timeout: 30_000 }).toEqual(['build', 'fetch', 'ship'])
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  }, 180_000)
})
