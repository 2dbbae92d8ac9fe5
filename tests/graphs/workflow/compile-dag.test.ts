import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cfg, compileFile, tempDir, type Out } from './compile-helpers.js'

describe('compileWorkflow: the DAG', () => {
  let t: ReturnType<typeof tempDir>
  beforeEach(() => { t = tempDir() })
  afterEach(() => t.cleanup())

  it('runs a fan-out/fan-in DAG, records a skipped step, and draws the steps by id', async () => {
    const yaml = `
name: dag
inputs:
  who: { type: string, default: world }
  skip_c: { type: boolean, default: true }
outputs:
  joined: "{{ steps.d.outputs.stdout | strip }}"
  c_status: steps.c.status
steps:
  - id: a
    type: shell
    with: { run: [echo, "hello {{ inputs.who }}"] }
  - id: b
    type: shell
    needs: a
    with: { run: [echo, "b saw {{ steps.a.outputs.stdout | strip }}"] }
  - id: c
    type: shell
    needs: a
    if: not inputs.skip_c
    with: { run: [echo, c] }
  - id: d
    type: shell
    needs: [b, c]
    with: { run: [echo, "{{ steps.b.outputs.stdout | strip }} + c {{ steps.c.status }}"] }
`
    const g = compileFile(t.write('dag.yaml', yaml), yaml)
    const out = await g.invoke({ inputs: {} }, cfg('1')) as Out
    expect(out.status).toBe('succeeded')
    expect(out.visited).toEqual(['a', 'b', 'd'])
    expect(out.steps.c).toMatchObject({ status: 'skipped', skip_reason: 'if', attempts: 0 })
    expect(out.outputs).toEqual({ joined: 'b saw hello world + c skipped', c_status: 'skipped' })
    const drawn = (await g.getGraphAsync()).toJSON()
    expect(drawn.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['__end__', '__outputs__', '__start__', 'a', 'b', 'c', 'd'])
  })

  it('passes a hostile input to a shell argv as one literal argument, never to a shell', async () => {
    const yaml = `
name: inject
inputs: { msg: { type: string, required: true } }
steps:
  - id: say
    type: shell
    with: { run: [printf, "%s", "{{ inputs.msg }}"] }
outputs: { said: steps.say.outputs.stdout }
`
    const g = compileFile(t.write('inject.yaml', yaml), yaml)
    const evil = `x"; touch ${join(t.dir, 'pwned')}; echo "$(id)\`id\``
    const out = await g.invoke({ inputs: { msg: evil } }, cfg('1')) as Out
    expect(out.outputs.said).toBe(evil)
    expect(() => readFileSync(join(t.dir, 'pwned'))).toThrow()
  })
})
