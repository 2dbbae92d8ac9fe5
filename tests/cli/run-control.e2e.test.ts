import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, spawnCli, tempDb } from './cli-harness.js'

type Hist = { checkpoint_id: string; next: string[]; step: number; writes: string[] }[]
const starts = (events: Record<string, unknown>[]) => events.filter((e) => e.type === 'node_start').map((e) => e.node)

/** Resolves when the child's NDJSON stdout has an event matching `pred`. */
function waitForEvent(child: ReturnType<typeof spawnCli>, pred: (e: Record<string, unknown>) => boolean) {
  let buf = ''
  const seen: Record<string, unknown>[] = []
  return new Promise<Record<string, unknown>[]>((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString()
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        if (!line.startsWith('{')) continue
        const e = JSON.parse(line) as Record<string, unknown>
        seen.push(e)
        if (pred(e)) ok(seen)
      }
    })
    child.once('close', (code) => fail(new Error(`child exited (${code}) before the event; saw ${seen.map((e) => e.type).join(',')}`)))
  })
}
const exited = (child: ReturnType<typeof spawnCli>) => new Promise<number | null>((ok) => child.once('close', (c) => ok(c)))

describe('run control from the CLI', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())
  beforeAll(async () => { expect((await runCli(['rag', 'ingest', 'examples/corpus', '--db', t.db])).code).toBe(0) })

  it('pauses before a named node and continues with resume', async () => {
    const r = await runCli(['run', 'team', '--input', 'What is BM25?', '--pause-before', 'researcher', '--db', t.db, '--json'])
    expect(r.code).toBe(3)
    const res = resultOf(r)
    expect(res.status).toBe('paused')
    expect(res.next).toEqual(['researcher'])
    expect(starts(r.events)).toEqual(['driver'])
    const go = await runCli(['resume', res.thread_id, '--db', t.db, '--json'])
    expect(go.code, go.stderr).toBe(0)
    expect(starts(go.events)).toEqual(['researcher', 'driver', 'generator', 'driver', 'report'])
  })

  it('replays from a checkpoint without rewriting history, and forks with edited state as a node', async () => {
    const run = await runCli(['run', 'team', '--input', 'How do human approval gates work?', '--db', t.db, '--json'])
    const thread = resultOf(run).thread_id
    const before = JSON.parse((await runCli(['history', thread, '--db', t.db, '--json'])).stdout) as Hist
    const atGenerator = before.find((h) => h.next.includes('generator'))!
    const replay = await runCli(['replay', thread, '--checkpoint', atGenerator.checkpoint_id, '--db', t.db, '--json'])
    expect(replay.code, replay.stderr).toBe(0)
    expect(starts(replay.events)).toEqual(['generator', 'driver', 'report'])
    const after = JSON.parse((await runCli(['history', thread, '--db', t.db, '--json'])).stdout) as Hist
    expect(after.length).toBe(before.length + 4)
    const ids = new Set(after.map((h) => h.checkpoint_id))
    for (const h of before) expect(ids.has(h.checkpoint_id)).toBe(true)

    const atResearcher = before.find((h) => h.next.includes('researcher'))!
    const fork = await runCli(['fork', thread, '--checkpoint', atResearcher.checkpoint_id, '--update', '{"next":"report"}', '--as-node', 'driver', '--db', t.db, '--json'])
    expect(fork.code, fork.stderr).toBe(0)
    const f = JSON.parse(fork.stdout) as { checkpoint_id: string; next: string[] }
    expect(f.next).toEqual(['report'])
    const cont = await runCli(['resume', thread, '--db', t.db, '--json'])
    expect(cont.code, cont.stderr).toBe(0)
    expect(starts(cont.events)).toEqual(['report'])
    expect(resultOf(cont).output.research).toBeNull()
    const final = JSON.parse((await runCli(['history', thread, '--db', t.db, '--json'])).stdout) as Hist
    for (const h of after) expect(final.some((x) => x.checkpoint_id === h.checkpoint_id)).toBe(true)
  })

  it('cancel from another process stops the run at once and keeps its checkpoints', async () => {
    // slow tokens: the researcher would take well over 20 s, so a cancel that lands must cut it short
    const child = spawnCli(['run', 'team', '--input', 'Explain write-ahead logging', '--db', t.db, '--json'], { SWITCHYARD_OFFLINE_DELAY_MS: '200' })
    const code = exited(child)
    const seen = await waitForEvent(child, (e) => e.type === 'node_start' && e.node === 'researcher')
    const thread = String(seen[0]!.thread_id)
    const c = await runCli(['cancel', thread, '--db', t.db, '--json'])
    expect(c.code).toBe(0)
    expect(JSON.parse(c.stdout)).toEqual({ thread_id: thread, cancelled: 1 })
    expect(await code).toBe(4)
    // stopped inside the researcher: it never finished, and the result says cancelled
    expect(seen.some((e) => e.type === 'node_end' && e.node === 'researcher')).toBe(false)
    expect(seen.at(-1)).toMatchObject({ type: 'result', status: 'cancelled' })
    const h = JSON.parse((await runCli(['history', thread, '--db', t.db, '--json'])).stdout) as Hist
    expect(h[0]!.next).toEqual(['researcher'])
    const go = await runCli(['resume', thread, '--db', t.db, '--json'])
    expect(go.code, go.stderr).toBe(0)
    expect(starts(go.events)[0]).toBe('researcher')
  })

  it('a SIGKILLed run resumes: completed nodes never run again, the killed node runs from its start', async () => {
    const child = spawnCli(['run', 'team', '--input', 'How do multi-agent handoffs work?', '--db', t.db, '--json'], { SWITCHYARD_OFFLINE_DELAY_MS: '10' })
    const code = exited(child)
    const seen = await waitForEvent(child, (e) => e.type === 'token' && e.node === 'generator')
    child.kill('SIGKILL')
    expect(await code).toBeNull()
    const thread = String(seen[0]!.thread_id)
    expect(starts(seen)).toEqual(['driver', 'researcher', 'driver', 'generator'])
    const threads = JSON.parse((await runCli(['threads', '--db', t.db, '--json'])).stdout) as { thread_id: string; status: string }[]
    expect(threads.find((x) => x.thread_id === thread)?.status).toBe('busy')
    const go = await runCli(['resume', thread, '--db', t.db, '--json'])
    expect(go.code, go.stderr).toBe(0)
    expect(starts(go.events)).toEqual(['generator', 'driver', 'report'])
    const out = resultOf(go).output as { steps: { agent: string }[]; final_report: string }
    expect(out.steps.map((s) => s.agent)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
    expect(out.final_report).toContain('## Specialist agent')
  })
})
