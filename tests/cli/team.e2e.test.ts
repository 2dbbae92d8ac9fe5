import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, tempDb } from './cli-harness.js'

describe('switchyard run team (offline model)', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())

  beforeAll(async () => {
    const r = await runCli(['rag', 'ingest', 'examples/corpus', '--db', t.db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).added).toBeGreaterThan(3)
  })

  it('runs the chat graph from a text input: search_docs on the ingested corpus, then a cited, labelled answer', async () => {
    const r = await runCli(['run', 'chat', '--input', 'How does checkpointing make a workflow durable?', '--db', t.db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.events.filter((e) => e.type === 'node_start').map((e) => e.node)).toEqual(['agent', 'tools', 'agent'])
    const out = resultOf(r).output as { messages: { type: string; content: string }[] }
    expect(out.messages.map((m) => m.type)).toEqual(['human', 'ai', 'tool', 'ai'])
    expect(out.messages[2]!.content).toMatch(/^\[1\] /)
    expect(out.messages[3]!.content).toMatch(/^\[offline model\].*Retrieved: .*\[1\]/)
  })

  it('routes driver → researcher → generator → report, cites ingested sources and labels the offline model', async () => {
    const r = await runCli(['run', 'team', '--input', 'How does checkpointing make a workflow durable?', '--db', t.db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const types = new Set(r.events.map((e) => e.type))
    for (const ty of ['run_start', 'node_start', 'node_end', 'token', 'checkpoint', 'result']) expect(types).toContain(ty)
    const started = r.events.filter((e) => e.type === 'node_start').map((e) => e.node)
    expect(started).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
    const res = resultOf(r)
    expect(res.status).toBe('success')
    expect(res.interrupts).toEqual([])
    const out = res.output as { final_report: string; research: { sources: { n: number; title: string; source: string }[]; answer: string }; specialist: { name: string } }
    expect(out.final_report).toContain('[offline model]')
    expect(out.final_report).toContain('_Model: offline_')
    expect(out.research.sources.length).toBeGreaterThan(0)
    for (const s of out.research.sources) expect(s.source).toMatch(/examples\/corpus\/.+\.md$/)
    expect(out.research.answer).toMatch(/\[1\]/)
    expect(out.final_report).toContain('### Sources')
    expect(out.specialist.name.length).toBeGreaterThan(0)
  })

  it('shows progress in plain text without --json and the same report', async () => {
    const r = await runCli(['run', 'team', '--input', 'Design an agent that reviews pull requests', '--db', t.db])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/▶ driver/)
    expect(r.stdout).toMatch(/✔ researcher \(\d+ ms\)/)
    expect(r.stdout).toContain('# Report: Design an agent that reviews pull requests')
    expect(r.stdout).toMatch(/✔ completed in .* · thread [0-9a-f-]{36}/)
  })

  it('lists the threads it ran, with the database from --db or SWITCHYARD_DB', async () => {
    const r = await runCli(['threads', '--db', t.db, '--json'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as { graph: string; status: string }[]
    expect(rows.map((x) => x.graph).sort()).toEqual(['chat', 'team', 'team'])
    expect(rows.every((x) => x.status === 'idle')).toBe(true)
    const viaEnv = await runCli(['threads', '--json'], { SWITCHYARD_DB: t.db })
    expect(JSON.parse(viaEnv.stdout)).toEqual(rows)
  })

  it('draws the graph as mermaid and json', async () => {
    const m = await runCli(['graph', 'team'])
    expect(m.code).toBe(0)
    expect(m.stdout).toContain('graph TD')
    for (const n of ['driver', 'researcher', 'generator', 'report']) expect(m.stdout).toContain(n)
    const j = await runCli(['graph', 'sdlc', '--format', 'json'])
    const g = JSON.parse(j.stdout) as { nodes: { id: string }[] }
    expect(g.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['analyst', 'review_analyst', 'deployer', 'review_deployer']))
  })

  it('answers rag query from the ingested corpus', async () => {
    const r = await runCli(['rag', 'query', 'write-ahead log', '--db', t.db, '--json'])
    expect(r.code).toBe(0)
    const hits = JSON.parse(r.stdout) as { title: string; score: number }[]
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0]!.score).toBeGreaterThan(0)
  })
})
