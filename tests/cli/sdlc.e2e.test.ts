import { afterAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, tempDb } from './cli-harness.js'

type Payload = { kind: string; phase: string; attempt: number; artifact: Record<string, unknown>; error?: string }

describe('switchyard sdlc through its human gates', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())
  let thread = ''

  const resume = async (flags: string[], expectCode = 3) => {
    const r = await runCli(['resume', thread, ...flags, '--db', t.db, '--json'])
    expect(r.code, r.stderr + r.stdout).toBe(expectCode)
    return resultOf(r)
  }
  const waitingPhase = (res: ReturnType<typeof resultOf>) => (res.interrupts[0]?.value as Payload).phase

  it('stops at the analyst gate with a typed payload and exit 3', async () => {
    const r = await runCli(['run', 'sdlc', '--input', '{"task":"A URL shortener with expiry"}', '--db', t.db, '--json'])
    expect(r.code, r.stderr).toBe(3)
    const res = resultOf(r)
    thread = res.thread_id
    expect(res.status).toBe('interrupted')
    expect(res.interrupts).toHaveLength(1)
    const p = res.interrupts[0]!.value as Payload
    expect(p).toMatchObject({ kind: 'approval', phase: 'analyst', attempt: 1 })
    expect((p.artifact.requirements as string[]).length).toBeGreaterThan(0)
    expect(res.interrupts[0]!.node).toBe('review_analyst')
  })

  it('approve moves to the next phase; reject runs the phase again with the reason', async () => {
    expect(waitingPhase(await resume(['--approve']))).toBe('architect')
    const again = await resume(['--reject', 'name the storage component'])
    const p = again.interrupts[0]!.value as Payload
    expect(p).toMatchObject({ phase: 'architect', attempt: 2 })
    expect(again.output.feedback).toMatchObject({ architect: 'name the storage component' })
    expect(waitingPhase(await resume(['--approve']))).toBe('developer')
    expect(waitingPhase(await resume(['--approve']))).toBe('tester')
  })

  it('amend replaces the artifact; a failing test report routes back to the developer', async () => {
    const failing = { passed: false, summary: 'expiry not enforced', failures: ['expired links still redirect'] }
    const back = await resume(['--amend', JSON.stringify(failing)])
    expect(waitingPhase(back)).toBe('developer')
    expect(back.output.test_loops).toBe(1)
    expect((back.output.artifacts as Record<string, unknown>).tester).toEqual(failing)
    expect(waitingPhase(await resume(['--approve']))).toBe('tester')
  })

  it('an amended artifact that breaks the phase schema is asked again, nothing lost', async () => {
    const r = await resume(['--amend', '{"passed":"maybe"}'])
    const p = r.interrupts[0]!.value as Payload
    expect(p.phase).toBe('tester')
    expect(p.error).toMatch(/does not match its schema/)
    expect(waitingPhase(await resume(['--approve']))).toBe('deployer')
  })

  it('the last approval delivers and exits 0', async () => {
    const done = await resume(['--approve'], 0)
    expect(done.status).toBe('success')
    expect(done.output.outcome).toBe('delivered')
    const log = done.output.log as { phase: string; decision: string }[]
    expect(log.map((l) => `${l.phase}:${l.decision}`)).toEqual([
      'analyst:approve', 'architect:reject', 'architect:approve', 'developer:approve', 'tester:amend',
      'developer:approve', 'tester:approve', 'deployer:approve',
    ])
  })

  it('history lists every checkpoint newest first with the nodes that wrote them', async () => {
    const r = await runCli(['history', thread, '--db', t.db, '--json'])
    expect(r.code).toBe(0)
    const h = JSON.parse(r.stdout) as { step: number; writes: string[]; checkpoint_id: string; parent_checkpoint_id: string | null }[]
    expect(h.length).toBe(18) // input, start, 8 phase runs and 8 gate answers (a re-asked gate writes no checkpoint)
    expect(h[0]!.step).toBeGreaterThan(h.at(-1)!.step)
    expect(h.at(-1)!.parent_checkpoint_id).toBeNull()
    expect(h.flatMap((e) => e.writes)).toEqual(expect.arrayContaining(['analyst', 'review_analyst', 'deployer']))
    const text = await runCli(['history', thread, '--db', t.db, '--limit', '3'])
    expect(text.stdout.trim().split('\n')).toHaveLength(4)
  })
})
