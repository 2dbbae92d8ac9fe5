import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, spawnCli, tempDb } from './cli-harness.js'

// every item logs its start and its end; the sleep keeps an item in flight long enough to be killed in
const ITEMS = `name: items
inputs:
  log: { type: string, required: true }
steps:
  - id: each
    type: shell
    for_each: [a, b, c, d, e, f]
    max_parallel: 1
    with:
      shell: true
      run: "echo start {{ item }} >> {{ inputs.log }}; sleep 0.3; echo end {{ item }} >> {{ inputs.log }}; echo {{ item }}"
    outputs:
      item: "{{ result.stdout | strip }}"
outputs:
  done: "{{ steps.each.outputs.results | map: 'item' | join: ',' }}"
`
const ROUNDS = `name: rounds
inputs:
  log: { type: string, required: true }
steps:
  - id: count
    type: shell
    loop: { until: "iteration >= 5", max_iterations: 5 }
    with:
      shell: true
      run: "echo start {{ iteration }} >> {{ inputs.log }}; sleep 0.3; echo end {{ iteration }} >> {{ inputs.log }}"
`
const ASKS = `name: asks
steps:
  - id: ask
    type: human
    for_each: [x, y, z]
    max_parallel: 1
    with:
      prompt: "ship {{ item }}?"
outputs:
  answers: "{{ steps.ask.outputs.results | map: 'reason' | join: ',' }}"
`

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [])
const count = (file: string, word: string) => {
  const m = new Map<string, number>()
  for (const l of lines(file)) {
    const [w, k] = l.split(' ')
    if (w === word) m.set(k!, (m.get(k!) ?? 0) + 1)
  }
  return m
}

/** Starts `switchyard run`, waits until `ends` units have logged their end (the file, not a timer), then SIGKILLs it. */
async function killAfter(args: string[], log: string, ends: number): Promise<string> {
  const child = spawnCli(args)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  for (const deadline = Date.now() + 60_000; lines(log).filter((l) => l.startsWith('end')).length < ends;) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${ends} ends in time: ${out}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGKILL')
  await exited
  const first = out.split('\n').find((l) => l.startsWith('{'))
  return String((JSON.parse(first!) as { thread_id: string }).thread_id)
}

/** Issue 15 §4: each finished `for_each` item and `loop` iteration is checkpointed, so a resumed run repeats only unfinished ones. */
describe('for_each items and loop iterations survive a SIGKILL and human gates one by one', () => {
  const t = tempDb()
  const wf = join(t.dir, 'workflows')
  beforeAll(() => {
    mkdirSync(wf)
    writeFileSync(join(wf, 'items.yaml'), ITEMS)
    writeFileSync(join(wf, 'rounds.yaml'), ROUNDS)
    writeFileSync(join(wf, 'asks.yaml'), ASKS)
  })
  afterAll(() => t.cleanup())
  const cli = (...a: string[]) => ['--workflows', wf, '--db', t.db, ...a]

  it('a for_each killed after three items resumes with the rest: finished items never run again', async () => {
    const log = join(t.dir, 'items.log')
    const thread = await killAfter(cli('run', 'items', '--input', JSON.stringify({ log }), '--json'), log, 3)
    const endedBefore = count(log, 'end')
    const go = await runCli(cli('resume', thread, '--json'))
    expect(go.code, go.stderr).toBe(0)
    expect(resultOf(go).output).toMatchObject({ status: 'succeeded', outputs: { done: 'a,b,c,d,e,f' } })
    const starts = count(log, 'start')
    expect([...starts.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    // an item whose end was logged before the kill may have died before its result was written: at most that
    // one item (max_parallel 1) or the one in flight runs twice; the ones before it ran once
    const twice = [...starts].filter(([, n]) => n > 1).map(([k]) => k)
    expect(twice.length).toBeLessThanOrEqual(1)
    expect(starts.get('a')).toBe(1)
    expect(starts.get('b')).toBe(1)
    expect([...endedBefore.keys()].length).toBeGreaterThanOrEqual(3)
    expect([...starts.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7)
  })

  it('a loop killed after three iterations resumes at the fourth or the third, never from the first', async () => {
    const log = join(t.dir, 'rounds.log')
    const thread = await killAfter(cli('run', 'rounds', '--input', JSON.stringify({ log }), '--json'), log, 3)
    const go = await runCli(cli('resume', thread, '--json'))
    expect(go.code, go.stderr).toBe(0)
    expect(resultOf(go).output).toMatchObject({ status: 'succeeded', steps: { count: { status: 'succeeded', iteration: 5 } } })
    const starts = count(log, 'start')
    expect([...starts.keys()].sort()).toEqual(['1', '2', '3', '4', '5'])
    expect(starts.get('1')).toBe(1)
    expect(starts.get('2')).toBe(1)
    expect([...starts.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(6)
  })

  it('a human step over items asks once per item; each answer is kept across the resumes', async () => {
    const first = resultOf(await runCli(cli('run', 'asks', '--input', '{}', '--json')))
    expect(first.status).toBe('interrupted')
    expect(first.interrupts.map((i) => i.value.prompt)).toEqual(['ship x?'])
    const prompts: string[] = []
    let last = first
    for (const reason of ['rx', 'ry', 'rz']) {
      const r = await runCli(cli('resume', first.thread_id, '--value', JSON.stringify({ action: 'approve', reason }), '--json'))
      last = resultOf(r)
      prompts.push(...last.interrupts.map((i) => String(i.value.prompt)))
    }
    expect(prompts).toEqual(['ship y?', 'ship z?'])
    expect(last.status).toBe('success')
    expect(last.output).toMatchObject({ status: 'succeeded', outputs: { answers: 'rx,ry,rz' } })
  })
})
