import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type OpenedSqlite } from '../../../store/db.js'
import { KyselySaver } from '../../../store/kysely-saver.js'
import { cfg, compileFile, tempDir, type Out } from './compile-helpers.js'

const YAML = `
name: cached
inputs: { v: { type: string, default: x } }
steps:
  - id: expensive
    type: shell
    cache: { key: "inputs.v", ttl: 1h }
    with:
      shell: true
      run: ['echo run >> runs.log; echo "$1"', '{{ inputs.v }}']
  - id: use
    type: shell
    needs: expensive
    with: { run: [echo, "got {{ steps.expensive.outputs.stdout | strip }}"] }
`

describe('compileWorkflow: the step cache', () => {
  let t: ReturnType<typeof tempDir>
  let store: OpenedSqlite
  let clock: number
  beforeEach(async () => { t = tempDir(); store = await openDb(join(t.dir, 'sy.db')); clock = 1_000_000 })
  afterEach(async () => { await store.close(); t.cleanup() })

  const runs = async () => readFileSync(join(t.dir, 'runs.log'), 'utf8').trim().split('\n').length
  const stream = async (g: ReturnType<typeof compileFile>, thread: string, inputs: Record<string, unknown> = {}) => {
    const events: unknown[] = []
    for await (const e of await g.stream({ inputs }, { ...cfg(thread), streamMode: 'custom' })) events.push(e)
    return { events, state: (await g.getState(cfg(thread))).values as Out }
  }

  it('reuses outputs across threads until the ttl, with hits and misses in the custom stream', async () => {
    const file = t.write('cached.yaml', YAML)
    const g = compileFile(file, YAML, { checkpointer: new KyselySaver(store.db), db: store.db, now: () => clock })
    const first = await stream(g, 'one')
    expect(first.events).toEqual([{ type: 'step_cache', step: 'expensive', hit: false, key: expect.stringMatching(/^[0-9a-f]{64}$/) }])
    expect(first.state.steps.expensive).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(first.state.steps.expensive?.cached).toBeUndefined()

    const second = await stream(g, 'two')
    expect(second.events).toMatchObject([{ type: 'step_cache', step: 'expensive', hit: true }])
    expect(second.state.steps.expensive).toMatchObject({ status: 'succeeded', attempts: 0, cached: true, outputs: { stdout: 'x\n' } })
    expect(second.state.steps.use?.outputs.stdout).toBe('got x\n')
    expect(await runs()).toBe(1)

    // another input is another key
    expect((await stream(g, 'three', { v: 'y' })).events).toMatchObject([{ hit: false }])
    expect(await runs()).toBe(2)

    clock += 3_600_001
    expect((await stream(g, 'four')).events).toMatchObject([{ hit: false }])
    expect(await runs()).toBe(3)
  })

  it('shares entries between compilations of the same step (another process, another run)', async () => {
    const file = t.write('cached.yaml', YAML)
    const a = compileFile(file, YAML, { db: store.db, now: () => clock })
    const b = compileFile(file, YAML, { db: store.db, now: () => clock })
    await a.invoke({ inputs: {} }, cfg('a'))
    const out = await b.invoke({ inputs: {} }, cfg('b')) as Out
    expect(out.steps.expensive?.cached).toBe(true)
    expect(await runs()).toBe(1)
  })
})
