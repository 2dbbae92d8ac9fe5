import { join } from 'node:path'
import { Command } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DocSearch } from '../../../agents/retriever-tool.js'
import { openDb, type OpenedSqlite } from '../../../store/db.js'
import { KyselySaver } from '../../../store/kysely-saver.js'
import { cfg, compileFile, tempDir, type Out } from './compile-helpers.js'

const HUMAN = `
name: gate
steps:
  - id: draft
    type: shell
    with: { run: [echo, v1] }
  - id: review
    type: human
    needs: draft
    with:
      prompt: "Ship {{ steps.draft.outputs.stdout | strip }}?"
      schema: { version: string }
  - id: ship
    type: shell
    needs: review
    with: { run: [echo, "shipping {{ steps.review.outputs.action }} {{ steps.review.outputs.value.version | default: 'as is' }}"] }
`

describe('compileWorkflow: human, agent and workflow steps', () => {
  let t: ReturnType<typeof tempDir>
  let store: OpenedSqlite
  beforeEach(async () => { t = tempDir(); store = await openDb(join(t.dir, 'sy.db')) })
  afterEach(async () => { await store.close(); t.cleanup() })

  const pending = async (g: ReturnType<typeof compileFile>, thread: string) =>
    (await g.getState(cfg(thread))).tasks.flatMap((x) => x.interrupts.map((i) => i.value as Record<string, unknown>))

  it('stops at a human step, asks again on a bad answer, and continues on approve or amend', async () => {
    const g = compileFile(t.write('gate.yaml', HUMAN), HUMAN, { checkpointer: new KyselySaver(store.db) })
    await g.invoke({ inputs: {} }, cfg('h'))
    expect(await pending(g, 'h')).toEqual([{ type: 'human', step: 'review', prompt: 'Ship v1?', actions: ['approve', 'reject', 'amend', 'value'], schema: { version: 'string' } }])
    await g.invoke(new Command({ resume: { action: 'maybe' } }), cfg('h'))
    expect((await pending(g, 'h'))[0]?.error).toMatch(/invalid answer: action/)
    await g.invoke(new Command({ resume: { action: 'amend', value: { version: 2 } } }), cfg('h'))
    expect((await pending(g, 'h'))[0]?.error).toMatch(/invalid value: version/)
    const out = await g.invoke(new Command({ resume: { action: 'amend', value: { version: 'v2' } } }), cfg('h')) as Out
    expect(out.steps.review).toMatchObject({ status: 'succeeded', outputs: { action: 'amend', value: { version: 'v2' }, reason: null } })
    expect(out.steps.ship?.outputs.stdout).toBe('shipping amend v2\n')
    expect(out.status).toBe('succeeded')
  })

  it('fails a rejected human step (its dependents skipped), keeping the reason', async () => {
    const g = compileFile(t.write('gate.yaml', HUMAN), HUMAN, { checkpointer: new KyselySaver(store.db) })
    await g.invoke({ inputs: {} }, cfg('r'))
    const out = await g.invoke(new Command({ resume: { action: 'reject', reason: 'not today' } }), cfg('r')) as Out
    expect(out.steps.review).toMatchObject({ status: 'failed', outputs: { action: 'reject', reason: 'not today' }, error: { code: 'CANCELLED' } })
    expect(out.steps.ship).toMatchObject({ status: 'skipped', skip_reason: 'upstream' })
    expect(out.status).toBe('failed')
  })

  it('routes a human timeout answer to on_timeout', async () => {
    const yaml = `
name: timed
steps:
  - id: ask
    type: human
    timeout: 1h
    on_timeout: escalate
    with: { prompt: approve? }
  - id: escalate
    type: shell
    with: { run: [echo, "escalated after {{ steps.ask.outputs.action }}"] }
`
    const g = compileFile(t.write('timed.yaml', yaml), yaml, { checkpointer: new KyselySaver(store.db) })
    await g.invoke({ inputs: {} }, cfg('t'))
    expect((await pending(g, 't'))[0]).toMatchObject({ step: 'ask', timeout_ms: 3_600_000 })
    const out = await g.invoke(new Command({ resume: { action: 'timeout' } }), cfg('t')) as Out
    expect(out.steps.ask).toMatchObject({ status: 'failed', timed_out: true })
    expect(out.steps.escalate?.outputs.stdout).toBe('escalated after timeout\n')
    expect(out.status).toBe('succeeded')
  })

  it('runs an agent step on the offline model, with search_docs and an output schema', async () => {
    const docs: DocSearch = { search: async () => [{ id: 1, docId: 1, title: 'Runs', chunk: 'A run resumes from its last checkpoint.', score: 1, source: '/docs/runs.md' }] }
    const yaml = `
name: agentic
inputs: { topic: { type: string, default: resuming } }
steps:
  - id: research
    type: agent
    with:
      role: Researcher
      instructions: Answer with citations.
      task: "How does {{ inputs.topic }} work?"
      tools: [search_docs]
      output: { answer: string, risks: "string[]" }
outputs: { answer: steps.research.outputs.answer }
`
    const out = await compileFile(t.write('agent.yaml', yaml), yaml, { docs }).invoke({ inputs: {} }, cfg('a')) as Out
    const r = out.steps.research
    expect(r?.status).toBe('succeeded')
    expect(r?.outputs.tool_calls).toEqual(['search_docs'])
    expect(r?.outputs.answer).toMatch(/\[offline model\].*A run resumes from its last checkpoint.*\[1\]/)
    expect(Array.isArray(r?.outputs.risks)).toBe(true)
    expect(r?.outputs.handoff).toMatchObject({ answer: r?.outputs.answer })
    expect(out.outputs.answer).toBe(r?.outputs.answer)
  })

  it('runs another workflow file as a subgraph, including its human step', async () => {
    t.write('child.yaml', `
name: child
inputs: { n: { type: number, required: true } }
outputs: { doubled: steps.calc.outputs.value, ok: steps.confirm.outputs.action }
steps:
  - id: calc
    type: assert
    with: { condition: inputs.n > 0 }
    outputs: { value: "len([inputs.n, inputs.n, 0])" }
  - id: confirm
    type: human
    needs: calc
    with: { prompt: "ok?" }
`)
    const parent = `
name: parent
steps:
  - id: sub
    type: workflow
    with: { path: child.yaml, inputs: { n: 21 } }
  - id: after
    type: shell
    needs: sub
    with: { run: [echo, "child said {{ steps.sub.outputs.doubled }} {{ steps.sub.outputs.ok }}"] }
`
    const g = compileFile(t.write('parent.yaml', parent), parent, { checkpointer: new KyselySaver(store.db) })
    await g.invoke({ inputs: {} }, cfg('w'))
    const state = await g.getState(cfg('w'), { subgraphs: true })
    expect(state.tasks[0]?.name).toBe('sub')
    expect(state.tasks[0]?.interrupts[0]?.value).toMatchObject({ step: 'confirm', prompt: 'ok?' })
    const out = await g.invoke(new Command({ resume: { action: 'approve' } }), cfg('w')) as Out
    expect(out.steps.sub).toMatchObject({ status: 'succeeded', outputs: { doubled: 3, ok: 'approve' } })
    expect(out.steps.after?.outputs.stdout).toBe('child said 3 approve\n')
  })

  it('rejects workflow files that call each other, and paths that leave the folder', () => {
    t.write('b.yaml', 'name: b\nsteps:\n  - { id: back, type: workflow, with: { path: a.yaml } }\n')
    const a = 'name: a\nsteps:\n  - { id: there, type: workflow, with: { path: b.yaml } }\n'
    expect(() => compileFile(t.write('a.yaml', a), a)).toThrow(/call each other in a cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml/)
    const out = 'name: out\nsteps:\n  - { id: up, type: workflow, with: { path: ../x.yaml } }\n'
    expect(() => compileFile(t.write('out.yaml', out), out)).toThrow(/leaves the folder/)
  })
})
