import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, axeViolations, browserRunnable, launchBrowser, openPage, screenshot, startWebServer, type WebServer } from './web-harness.js'

/** The view's own element (the debugger below the live panel) as .artifacts/web/<name>.png. */
const shoot = (page: Page, testId: string, name: string) => page.getByTestId(testId).screenshot({ path: join(ARTIFACTS, `${name}.png`) })

interface Cp { checkpoint: { checkpoint_id: string }; next: string[]; metadata: { step: number }; values: Record<string, unknown> }

describe.skipIf(!browserRunnable)('time travel in Chromium: tree, scrubber, diff, fork, compare, deep links, export and import', () => {
  let srv: WebServer
  let browser: Browser
  let threadId: string
  let history: Cp[]
  const axeFindings: Record<string, string[]> = {}
  beforeAll(async () => {
    srv = await startWebServer()
    browser = await launchBrowser()
    const thread = await srv.client.threads.create({ metadata: { graph_id: 'team', owner: 'alice' } })
    threadId = thread.thread_id
    const run = await srv.client.runs.create(threadId, 'team', { input: { task: 'What is BM25?' }, streamMode: ['values', 'tasks'] })
    await srv.client.runs.join(threadId, run.run_id)
    await srv.client.threads.create({ metadata: { graph_id: 'sdlc', owner: 'bob' } })
    history = await srv.client.threads.getHistory(threadId, { limit: 100 }) as unknown as Cp[]
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.close()
  })

  it('draws the thread: a checkpoint per row, the graph at the head, the waterfall of the run\'s node spans', async () => {
    const { page, errors, offsite } = await openPage(browser, `${srv.url}/ui/threads/${threadId}`)
    await page.getByTestId('debugger').waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('button[data-checkpoint]').count(), { timeout: 20_000 }).toBe(history.length)
    expect(await page.getByTestId('debugger').getAttribute('data-selected')).toBe(history[0]!.checkpoint.checkpoint_id)
    await page.locator('[data-testid="debugger"] [data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    // the waterfall: the queue wait, one attempt, and a span per task the run streamed (driver ran 3 times)
    const rows = page.locator('.waterfall .wf-row')
    await expect.poll(() => page.locator('.wf-node').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(6)
    expect(await page.locator('.wf-queue').count()).toBe(1)
    expect(await page.locator('.wf-attempt').count()).toBe(1)
    expect((await rows.allTextContents()).filter((t) => t.startsWith('driver'))).toHaveLength(3)
    // the head was written by the report step: its span is the one marked
    expect(await page.locator('.wf-row.on .wf-label').allTextContents()).toEqual(['report'])
    await page.getByTestId('checkpoint-values').waitFor()
    expect(await page.getByTestId('checkpoint-values').textContent()).toContain('# Report: What is BM25?')
    await screenshot(page, 'thread-debugger')
    await shoot(page, 'debugger', 'time-travel')
    axeFindings.thread = await axeViolations(page)
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  })

  it('scrubs through the run: the URL, the selection and the graph\'s node states follow the scrubber', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${threadId}`)
    const scrubber = page.getByTestId('scrubber')
    await scrubber.waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="debugger"] [data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    await scrubber.focus()
    await page.keyboard.press('Home')
    const oldest = history.at(-1)!.checkpoint.checkpoint_id
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/ui/threads/${threadId}/checkpoints/${oldest}`)
    // the third checkpoint: step 1, about to run the researcher after the driver ran once
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    const third = [...history].reverse()[2]!
    await expect.poll(() => page.getByTestId('scrub-pos').textContent()).toContain(`checkpoint 3 of ${history.length}`)
    expect(await page.getByTestId('debugger').getAttribute('data-selected')).toBe(third.checkpoint.checkpoint_id)
    expect(third.next).toEqual(['researcher'])
    await page.locator(`[data-testid="debugger"] [aria-label$="researcher, running"]`).waitFor({ timeout: 20_000 })
    await page.locator(`[data-testid="debugger"] [aria-label$="driver, done"]`).waitFor()
    // the diff with its parent: the driver's step added its analysis
    await page.getByTestId('tab-diff').click()
    await expect.poll(() => page.getByTestId('diff-summary').textContent(), { timeout: 20_000 }).toMatch(/Keys added: .*analysis/)
    await screenshot(page, 'scrub-diff')
    axeFindings.diff = await axeViolations(page)
    expect(errors).toEqual([])
    await page.close()
  })

  let forked: string
  it('forks from an earlier checkpoint with an edited state, checked against the state schema, and runs the new branch', async () => {
    const third = [...history].reverse()[2]!.checkpoint.checkpoint_id
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${threadId}/checkpoints/${third}`)
    await page.getByTestId('tab-fork').click()
    const editor = page.getByTestId('fork-values')
    await expect.poll(() => editor.inputValue(), { timeout: 20_000 }).toContain('"analysis"')
    // a key the state does not have is refused before anything is sent
    await editor.fill('{"analysis": "x", "not_a_key": 1}')
    await expect.poll(() => page.getByTestId('fork-errors').textContent()).toContain('not_a_key: not a key of the state')
    expect(await page.getByTestId('fork').isDisabled()).toBe(true)
    await editor.fill('{ "analysis": "EDITED analysis"')
    await expect.poll(() => page.getByTestId('fork-errors').textContent()).toContain('not JSON')
    const values = { ...[...history].reverse()[2]!.values, analysis: 'EDITED analysis' }
    await editor.fill(JSON.stringify(values, null, 2))
    await page.getByTestId('fork-as-node').selectOption('driver')
    await page.getByTestId('fork-run').click()
    await page.getByTestId('fork-done').waitFor({ timeout: 60_000 })
    // the new checkpoint is selected, on a branch of its own; the run went on from it
    await expect.poll(() => page.locator('#tree-title').textContent(), { timeout: 20_000 }).toMatch(/2 branches/)
    // (the live run reloads the tree as it goes: the branch can show before the fork is selected)
    await expect.poll(() => page.getByTestId('debugger').getAttribute('data-selected'), { timeout: 20_000 }).not.toBe(third)
    forked = (await page.getByTestId('debugger').getAttribute('data-selected'))!
    const after = await srv.client.threads.getHistory(threadId, { limit: 100 }) as unknown as (Cp & { parent_checkpoint: { checkpoint_id: string } })[]
    const fork = after.find((s) => s.checkpoint.checkpoint_id === forked)!
    expect(fork.parent_checkpoint.checkpoint_id).toBe(third)
    expect(fork.values.analysis).toBe('EDITED analysis')
    expect(after.length).toBeGreaterThan(history.length + 2)
    await expect.poll(() => page.locator('button[data-checkpoint]').count(), { timeout: 20_000 }).toBe(after.length)
    await page.getByTestId('tab-state').click()
    await expect.poll(() => page.getByTestId('checkpoint-values').textContent(), { timeout: 20_000 }).toContain('EDITED analysis')
    await screenshot(page, 'fork')
    await shoot(page, 'debugger', 'fork-branch')
    axeFindings.fork = await axeViolations(page)
    expect(errors).toEqual([])
    await page.close()
  })

  it('compares the two branches\' heads side by side, and opens a deep link to a checkpoint', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${threadId}/checkpoints/${history[0]!.checkpoint.checkpoint_id}`)
    await expect.poll(() => page.getByTestId('selected-id').textContent(), { timeout: 30_000 }).toBe(history[0]!.checkpoint.checkpoint_id)
    await page.getByTestId('tab-compare').click()
    // the default: the other branch's head
    await expect.poll(() => page.getByTestId('compare-changes').textContent(), { timeout: 20_000 }).toContain('analysis')
    await screenshot(page, 'compare')
    await page.locator('.dbg-detail').screenshot({ path: join(ARTIFACTS, 'compare-panel.png') })
    axeFindings.compare = await axeViolations(page)
    await page.goto(`${srv.url}/ui/threads/${threadId}/checkpoints/not-a-checkpoint`)
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('checkpoint not-a-checkpoint')
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists threads with search by metadata, status and graph, and gives each run its own page', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads`)
    await expect.poll(() => page.getByTestId('threads-total').textContent(), { timeout: 20_000 }).toContain('2 threads')
    await page.getByTestId('q-metadata').fill('owner=alice')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.getByTestId('threads-total').textContent(), { timeout: 20_000 }).toContain('1 thread;')
    await page.getByRole('link', { name: threadId }).waitFor()
    expect(new URL(page.url()).search).toBe('?metadata=owner%3Dalice')
    await page.getByTestId('q-metadata').fill('')
    await page.getByTestId('q-graph').fill('team')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.getByTestId('threads-total').textContent(), { timeout: 20_000 }).toContain('1 thread;')
    await page.getByTestId('q-graph').fill('')
    await page.getByTestId('q-status').selectOption('busy')
    await expect.poll(() => page.getByText('No thread matches this search').count(), { timeout: 20_000 }).toBe(1)
    await page.getByTestId('q-status').selectOption('')
    await screenshot(page, 'threads')
    axeFindings.threads = await axeViolations(page)
    const [run] = await srv.client.runs.list(threadId, { limit: 1, offset: 0 })
    await page.goto(`${srv.url}/ui/threads/${threadId}/runs/${run!.run_id}`)
    await expect.poll(() => page.getByTestId('run-events').locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(5)
    axeFindings.run = await axeViolations(page)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports the thread as one JSON file and opens it in the page with the server stopped', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/threads/${threadId}`)
    await page.locator('[data-testid="debugger"] [data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()])
    const file = join(ARTIFACTS, 'thread-export.json')
    await download.saveAs(file)
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { format: string; history: Cp[]; runs: { run_id: string }[]; events: Record<string, unknown[]>; graph: { nodes: unknown[] } }
    expect(bundle.format).toBe('switchyard.thread-export')
    const all = await srv.client.threads.getHistory(threadId, { limit: 100 })
    expect(bundle.history.map((h) => h.checkpoint.checkpoint_id)).toEqual(all.map((h) => h.checkpoint.checkpoint_id))
    expect(bundle.history.every((h) => h.values !== undefined)).toBe(true)
    expect(bundle.runs).toHaveLength(2)
    expect(bundle.runs.every((r) => (bundle.events[r.run_id]?.length ?? 0) > 0)).toBe(true)
    expect(bundle.graph.nodes.length).toBeGreaterThan(3)
    await srv.down()
    // in-page navigation: the page is loaded, the server gone
    await page.getByRole('link', { name: 'Open file', exact: true }).click()
    await page.getByTestId('open-file').setInputFiles(file)
    await page.getByTestId('opened').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.locator('button[data-checkpoint]').count(), { timeout: 20_000 }).toBe(all.length)
    await page.locator('[data-testid="debugger"] [data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    await page.getByTestId(`cp-${forked}`).click()
    await expect.poll(() => page.getByTestId('checkpoint-values').textContent(), { timeout: 20_000 }).toContain('EDITED analysis')
    await page.getByTestId('tab-fork').click()
    expect(await page.getByText('fork and replay need its server').count()).toBe(1)
    await page.getByTestId('tab-state').click()
    await screenshot(page, 'open-file-offline')
    // a file that is not an export says so
    await page.getByTestId('open-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') })
    await expect.poll(() => page.getByTestId('open-error').textContent()).toContain('bad.json: not a Switchyard thread export')
    await srv.up()
    expect(errors).toEqual([])
    await page.close()
  })

  it('dark theme too, and axe-core finds no serious or critical violation on any view', async () => {
    const { page } = await openPage(browser, `${srv.url}/ui/threads/${threadId}/checkpoints/${forked}`, { colorScheme: 'dark' })
    await page.locator('[data-testid="debugger"] [data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
    await page.getByTestId('checkpoint-values').waitFor({ timeout: 20_000 })
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await screenshot(page, 'thread-debugger-dark')
    await shoot(page, 'debugger', 'time-travel-dark')
    axeFindings.dark = await axeViolations(page)
    for (const [name, path] of [['overview', '/ui/'], ['settings', '/ui/settings'], ['open', '/ui/open'], ['assistant', '/ui/assistants/team']] as const) {
      await page.goto(`${srv.url}${path}`)
      await page.locator('main h1').first().waitFor({ timeout: 20_000 })
      if (name === 'assistant') await page.locator('[data-testid="graph"] .react-flow__node').first().waitFor({ timeout: 30_000 })
      axeFindings[name] = await axeViolations(page)
    }
    await page.close()
    expect(axeFindings).toEqual(Object.fromEntries(Object.keys(axeFindings).map((k) => [k, []])))
    expect(Object.keys(axeFindings).sort()).toEqual(['assistant', 'compare', 'dark', 'diff', 'fork', 'open', 'overview', 'run', 'settings', 'thread', 'threads'])
  })
})
