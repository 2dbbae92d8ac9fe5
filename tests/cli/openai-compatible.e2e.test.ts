import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultFakeScript, startFakeOpenAI, type FakeOpenAI, type FakeScript } from '../agents/fake-openai-server.js'
import { resultOf, runCli, tempDb } from './cli-harness.js'

/**
 * Like the default fake, but a driver picks the FIRST open route, so every worker runs, and the
 * generator first thinks aloud in prose (streamed tokens) before it calls submit_handoff.
 */
const firstRoute: FakeScript = (body, i) => {
  const system = JSON.stringify(body.messages[0]?.content ?? '')
  if (system.includes('Generator') && !body.messages.some((m) => m.role === 'assistant')) {
    return 'fake-llm is thinking about which specialist this task needs'
  }
  const handoff = body.tools?.find((t) => t.function.name === 'submit_handoff')?.function.parameters as
    { properties?: { next?: { enum?: string[] } } } | undefined
  const first = handoff?.properties?.next?.enum?.[0]
  if (!first) return defaultFakeScript(body, i)
  return { toolCalls: [{ name: 'submit_handoff', arguments: { analysis: 'fake-llm analysis', next: first, reason: 'fake-llm reason' } }] }
}

describe('team and sdlc, unchanged, against an OpenAI-compatible endpoint (real ChatOpenAI client)', () => {
  const t = tempDb()
  let fake: FakeOpenAI
  let routing: FakeOpenAI
  const env = (f: FakeOpenAI) => ({ OPENAI_BASE_URL: f.url, OPENAI_API_KEY: 'test-key', SWITCHYARD_MODEL: 'fake-model' })

  beforeAll(async () => {
    fake = await startFakeOpenAI()
    routing = await startFakeOpenAI(firstRoute)
    expect((await runCli(['rag', 'ingest', 'examples/corpus', '--db', t.db])).code).toBe(0)
  })
  afterAll(async () => { await fake.close(); await routing.close(); t.cleanup() })

  it('runs team through every worker with streamed tool calls, citing what search_docs returned', async () => {
    const r = await runCli(['run', 'team', '--input', 'How does checkpointing make a workflow durable?', '--db', t.db, '--json'], env(routing))
    expect(r.code, r.stderr).toBe(0)
    const res = resultOf(r)
    const out = res.output as { final_report: string; research: { sources: { source: string }[] }; specialist: { name: string } }
    expect(out.final_report).toContain('_Model: openai-compatible:fake-model@')
    expect(out.final_report).not.toContain('[offline model]')
    expect(out.specialist.name).toBe('fake-llm name')
    expect(out.research.sources.length).toBeGreaterThan(0)
    expect(out.research.sources[0]!.source).toMatch(/examples\/corpus/)
    expect(r.events.filter((e) => e.type === 'token').length).toBeGreaterThan(5)
    const prose = r.events.filter((e) => e.type === 'token' && !e.tool_call && e.node === 'generator').map((e) => e.text).join('')
    expect(prose).toBe('fake-llm is thinking about which specialist this task needs')
    expect(r.events.filter((e) => e.type === 'token' && !e.tool_call && e.node === 'generator').length).toBeGreaterThan(3)
    expect(routing.requests.every((q) => q.stream === true && q.model === 'fake-model')).toBe(true)
    const searched = routing.requests.find((q) => q.messages.some((m) => m.role === 'tool'))
    expect(JSON.stringify(searched?.messages.at(-1)?.content)).toMatch(/\[1\] /)
  })

  it('lets the model route straight to the report', async () => {
    const r = await runCli(['run', 'team', '--input', 'Say hello', '--db', t.db, '--json'], env(fake))
    expect(r.code, r.stderr).toBe(0)
    expect(r.events.filter((e) => e.type === 'node_start').map((e) => e.node)).toEqual(['driver', 'report'])
  })

  it('runs sdlc through its five gates', async () => {
    let r = await runCli(['run', 'sdlc', '--input', 'A status page', '--db', t.db, '--json'], env(fake))
    const thread = resultOf(r).thread_id
    const phases: string[] = []
    for (let i = 0; i < 8 && r.code === 3; i++) {
      phases.push(String((resultOf(r).interrupts[0]!.value as { phase: string }).phase))
      r = await runCli(['resume', thread, '--approve', '--db', t.db, '--json'], env(fake))
    }
    expect(r.code, r.stderr).toBe(0)
    expect(phases).toEqual(['analyst', 'architect', 'developer', 'tester', 'deployer'])
    const out = resultOf(r).output as { outcome: string; artifacts: { deployer: { environment: string } } }
    expect(out.outcome).toBe('delivered')
    expect(out.artifacts.deployer.environment).toBe('fake-llm environment')
  })
})
