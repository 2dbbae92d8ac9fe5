import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserRunnable, launchBrowser, openPage, screenshot, startWebServer, type WebServer } from './web-harness.js'

const CONFIG = join(import.meta.dirname, 'fixtures/langgraph.json')

/** Waits until the graph view has laid out and painted its nodes; resolves with the figures it recorded. */
async function drawn(page: Page) {
  const canvas = page.getByTestId('graph')
  await expect.poll(() => canvas.getAttribute('data-rendered-ms'), { timeout: 30_000 }).not.toBeNull()
  return { renderedMs: Number(await canvas.getAttribute('data-rendered-ms')), renderMs: Number(await canvas.getAttribute('data-render-ms')), layoutMs: Number(await canvas.getAttribute('data-layout-ms')), nodes: Number(await canvas.getAttribute('data-nodes')) }
}
const kinds = (page: Page) => page.locator('.react-flow__node [data-kind]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-node-id')}=${e.getAttribute('data-kind')}`))
const edgeIds = (page: Page, cls = '') => page.locator(`.react-flow__edge${cls}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))

describe.skipIf(!browserRunnable)('the graph view in Chromium', () => {
  let srv: WebServer
  let browser: Browser
  beforeAll(async () => {
    srv = await startWebServer({ serveArgs: ['--config', CONFIG, '--builtins'] })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.close()
  })

  it('draws sdlc: agents and human gates by kind, conditional edges dashed, start and end, with minimap and controls', async () => {
    const { page, errors, offsite } = await openPage(browser, `${srv.url}/ui/assistants/sdlc`)
    const { nodes } = await drawn(page)
    const api = await srv.client.assistants.getGraph('sdlc', { xray: true }) as unknown as { nodes: unknown[]; edges: { conditional?: boolean }[] }
    expect(nodes).toBe(api.nodes.length)
    const k = await kinds(page)
    expect(k).toEqual(expect.arrayContaining(['__start__=start', 'analyst=agent', 'review_analyst=human', 'deployer=agent', 'review_deployer=human', '__end__=end']))
    expect((await edgeIds(page, '.conditional')).length).toBe(api.edges.filter((e) => e.conditional).length)
    await page.locator('.react-flow__minimap').waitFor()
    await page.getByRole('button', { name: /fit view/i }).click()
    await page.getByRole('button', { name: /zoom in/i }).click()
    // a YAML-free graph shows no source panel
    expect(await page.locator('.workflow-source').count()).toBe(0)
    await screenshot(page, 'graph-sdlc')
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  })

  it('shows a YAML workflow\'s source beside its graph, with the validator\'s verdict', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/assistants/greenfield-sdlc`)
    await drawn(page)
    await page.getByRole('heading', { name: /Source workflows\/greenfield-sdlc\.yaml/ }).waitFor()
    expect(await page.getByTestId('findings-summary').textContent()).toBe('The validator finds nothing to report.')
    expect(await page.getByLabel('YAML source of greenfield-sdlc').textContent()).toContain('analysis_gate')
    expect(await kinds(page)).toEqual(expect.arrayContaining(['analyst=agent', 'analysis_gate=human', '__outputs__=outputs']))
    await screenshot(page, 'graph-yaml')
    expect(errors).toEqual([])
    await page.close()
  })

  it('draws a subgraph as a group that collapses and expands, and a router without a path map as unknown', async () => {
    const { page, errors } = await openPage(browser, `${srv.url}/ui/assistants/nested`)
    await drawn(page)
    expect(await kinds(page)).toEqual(expect.arrayContaining(['child=subgraph', 'child:outline=node', 'child:review=node', 'route#?=unknown']))
    expect(await page.locator('.react-flow__edge-text').allTextContents()).toContain('targets unknown: no path map')
    // no fan-out: the router's only edge goes to the "?" node
    expect((await edgeIds(page)).filter((id) => id?.startsWith('route->'))).toEqual(['route->route#?'])
    await screenshot(page, 'graph-subgraph')
    await page.getByRole('button', { name: 'Collapse subgraph child' }).click()
    await expect.poll(() => kinds(page)).not.toContain('child:outline=node')
    expect(await edgeIds(page)).toEqual(expect.arrayContaining(['plan->child', 'child->route']))
    await page.getByRole('button', { name: /Expand subgraph child/ }).click()
    await expect.poll(() => kinds(page)).toContain('child:outline=node')
    expect(errors).toEqual([])
    await page.close()
  })

  it('draws the targets the thread\'s history took for a router without a path map', async () => {
    const thread = await srv.client.threads.create()
    await srv.client.runs.wait(thread.thread_id, 'nested', { input: { topic: 'x' } })
    const { page } = await openPage(browser, `${srv.url}/ui/assistants/nested?thread=${thread.thread_id}`)
    await drawn(page)
    await expect.poll(async () => (await edgeIds(page)).filter((id) => id?.startsWith('route->'))).toEqual(['route->left'])
    expect(await kinds(page)).not.toContain('route#?=unknown')
    expect(await page.locator('.react-flow__edge.taken .react-flow__edge-text').allTextContents()).toEqual(['taken'])
    await page.close()
  })

  it('lays out and renders a 200-node graph', async () => {
    const { page } = await openPage(browser, `${srv.url}/ui/assistants/big`)
    const figures = await drawn(page)
    expect(figures.nodes).toBe(202)
    // past 100 nodes only the nodes in view are in the DOM (React Flow's onlyRenderVisibleElements)
    const inDom = await page.locator('.react-flow__node').count()
    console.log(`200-node graph: layout ${figures.layoutMs} ms, render ${figures.renderMs} ms, layout + render ${figures.renderedMs} ms (${inDom} of ${figures.nodes} nodes in view, in the DOM)`)
    expect(inDom).toBeGreaterThan(10)
    // the 1 s target is a measurement, not an assertion (project standard: no timed tests): at load 15 on this
    // 2-core machine it took 7.3 s, alone ~1.5 s. What is asserted is that every node was laid out and drawn.
    expect(figures.renderedMs).toBeGreaterThan(0)
    await screenshot(page, 'graph-200')
    await page.close()
  })
})
