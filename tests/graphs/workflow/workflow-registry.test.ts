import { MemorySaver } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OfflineChatModel } from '../../../agents/offline-model.js'
import { GraphRegistry } from '../../../graphs/registry.js'
import { loadWorkflowsDir, registerWorkflows } from '../../../graphs/workflow/workflow-registry.js'
import type { WorkflowStateT } from '../../../graphs/workflow/workflow-state.js'
import { NO_DOCS, tempDir } from './compile-helpers.js'

const GOOD = `
name: greet
description: says hello
inputs:
  who: { type: string, required: true }
  times: { type: number, default: 1 }
steps:
  - id: hello
    type: shell
    with: { run: [echo, "hello {{ inputs.who }} x{{ inputs.times }}"] }
outputs: { line: steps.hello.outputs.stdout }
`

describe('loadWorkflowsDir / registerWorkflows', () => {
  let t: ReturnType<typeof tempDir>
  beforeEach(() => { t = tempDir() })
  afterEach(() => t.cleanup())

  it('registers the good files and reports each bad one with its findings', async () => {
    t.write('a-greet.yaml', GOOD)
    t.write('b-broken.yaml', 'name: broken\nsteps:\n  - id: x\n    type: shel\n')
    t.write('c-unknown-need.yml', 'name: needy\nsteps:\n  - id: x\n    type: shell\n    needs: nope\n    with: { run: [echo] }\n')
    t.write('d-dup.yaml', GOOD.replace('says hello', 'again'))
    t.write('greet.test.yaml', 'not: a workflow\n')
    t.write('notes.txt', 'ignored')
    const { definitions, failures } = await loadWorkflowsDir(t.dir)
    expect(definitions.map((d) => d.name)).toEqual(['greet'])
    expect(failures.map((f) => [f.file.split('/').pop(), f.findings[0]?.rule, f.findings[0]?.line])).toEqual([
      ['b-broken.yaml', 'schema', 4],
      ['c-unknown-need.yml', 'compile', 5],
      ['d-dup.yaml', 'duplicate-name', 2],
    ])
    expect(failures[1]?.findings[0]?.message).toMatch(/needs unknown step 'nope'/)
  })

  it('validates inputs with defaults and builds a runnable graph drawn by step ids', async () => {
    t.write('greet.yaml', GOOD)
    const registry = new GraphRegistry()
    const { registered, failures } = await registerWorkflows(registry, t.dir)
    expect([registered, failures]).toEqual([['greet'], []])
    const def = registry.get('greet')
    expect(() => def.parseInput({})).toThrow(expect.objectContaining({ code: 'VALIDATION', message: expect.stringMatching(/who/) }))
    expect(() => def.parseInput({ who: 'a', times: 'two' })).toThrow(/times/)
    expect(() => def.parseInput({ who: 'a', extra: 1 })).toThrow(/extra/)
    const input = def.parseInput({ who: 'Ada' })
    expect(input).toEqual({ inputs: { who: 'Ada', times: 1 } })
    expect(def.inputSchema?.safeParse({ who: 'x' }).success).toBe(true)
    const graph = def.build({ checkpointer: new MemorySaver(), model: new OfflineChatModel(), modelLabel: 'offline', docs: NO_DOCS })
    const out = await graph.invoke(input as { inputs: Record<string, unknown> }, { configurable: { thread_id: 'g' } }) as WorkflowStateT
    expect(out.outputs).toEqual({ line: 'hello Ada x1\n' })
    expect((await graph.getGraphAsync()).drawMermaid()).toMatch(/hello/)
    // a second registration of the same name is reported, not thrown
    expect((await registerWorkflows(registry, t.dir)).failures[0]?.findings[0]?.rule).toBe('duplicate-name')
  })

  it('reports a missing folder as one finding', async () => {
    const r = await loadWorkflowsDir(`${t.dir}/nope`)
    expect(r.failures[0]?.findings[0]).toMatchObject({ rule: 'io' })
  })
})
