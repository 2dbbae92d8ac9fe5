import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGraphs } from '../../graphs/graph-loader.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

const HINTED = join(import.meta.dirname, '../graphs/workflow/fixtures/invalid/parallel-hint.yaml')

describe('GET /api/workflow-definitions/{graph_id}: a YAML workflow\'s source and findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-wfdef-'))
  let api: TestServer
  beforeAll(async () => {
    copyFileSync(HINTED, join(dir, 'parallel-hint.yaml'))
    api = await startTestServer({ registry: await loadGraphs({ workflowsDir: dir }), routes: [workflowsRoutes] })
  })
  afterAll(async () => {
    await api?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the file as loaded, with the validator\'s findings at their line and column', async () => {
    const r = await rawJson(`${api.url}/api/workflow-definitions/parallel-hint`)
    expect(r.status).toBe(200)
    expect(r.body.source).toBe(readFileSync(HINTED, 'utf8'))
    expect(String(r.body.file)).toMatch(/parallel-hint\.yaml$/)
    const findings = r.body.findings as { rule: string; severity: string; line: number; col: number; path: string }[]
    expect(findings.map((f) => [f.rule, f.severity, f.line, f.col, f.path])).toEqual([
      ['parallel-hint', 'info', 10, 12, 'steps.1.needs'],
      ['parallel-hint', 'info', 16, 13, 'steps.2.needs.0'],
    ])
    // the graph of the same workflow names each step's type
    const g = await api.client.assistants.getGraph('parallel-hint', { xray: true }) as unknown as { nodes: { id: string; metadata?: { step_type?: string } }[] }
    expect(Object.fromEntries(g.nodes.filter((n) => n.metadata?.step_type).map((n) => [n.id, n.metadata!.step_type]))).toEqual({ 'fetch-issues': 'webhook', 'fetch-labels': 'webhook', summary: 'shell' })
  })

  it('is a JSON 404 for a graph that is not a YAML workflow or does not exist', async () => {
    const ts = await rawJson(`${api.url}/api/workflow-definitions/sdlc`)
    expect([ts.status, ts.body.code, ts.body.message]).toEqual([404, 'NOT_FOUND', 'graph sdlc is not a YAML workflow'])
    const none = await rawJson(`${api.url}/api/workflow-definitions/nope`)
    expect([none.status, none.body.code]).toEqual([404, 'NOT_FOUND'])
  })
})
