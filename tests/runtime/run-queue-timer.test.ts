import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { createRun } from '../../runtime/run-service.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { openRuntime } from '../../runtime/runtime.js'

const dir = mkdtempSync(join(tmpdir(), 'sy-queue-timer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('a run delayed past setTimeout\'s range (30 days) waits quietly instead of waking the queue in a loop', async () => {
  const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
  const queue = await startRunQueue(rt, { pollMs: 0, crons: false })
  try {
    let asked = 0
    const nextDueAt = rt.runs.nextDueAt.bind(rt.runs)
    rt.runs.nextDueAt = () => { asked++; return nextDueAt() }
    const run = await createRun(rt, { graph: 'team', kind: 'input', kwargs: { input: { task: 'later' }, stream_mode: ['values'] }, afterSeconds: 86_400 * 30 })
    await new Promise((r) => setTimeout(r, 300))
    expect(asked).toBeLessThanOrEqual(2)
    expect((await rt.runs.getRun(run.run_id)).status).toBe('pending')
  } finally {
    await queue.stop()
    await rt.close()
  }
})
