import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LEASE_LOST, leaseMsFrom, sweepDeadClaims } from '../../runtime/run-leases.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { createRun, waitForRun } from '../../runtime/run-service.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'

const dir = mkdtempSync(join(tmpdir(), 'sy-lease-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const open = (db: string, leaseMs: number) => openRuntime({ dbPath: join(dir, db), env: { SWITCHYARD_MODEL: 'offline', SWITCHYARD_LEASE_MS: String(leaseMs) } })
const until = async (what: string, ok: () => Promise<boolean> | boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; !(await ok());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
const queueTeamRun = (rt: Runtime, task: string) => createRun(rt, { graph: 'team', kind: 'input', kwargs: { input: { task }, stream_mode: ['values'] } })

describe('run claims are leases renewed by a heartbeat; a dead claim is swept back to the queue', () => {
  it('SWITCHYARD_LEASE_MS is checked', () => {
    expect(leaseMsFrom({})).toBe(30_000)
    expect(leaseMsFrom({ SWITCHYARD_LEASE_MS: '2000' })).toBe(2_000)
    expect(() => leaseMsFrom({ SWITCHYARD_LEASE_MS: '10' })).toThrow(/SWITCHYARD_LEASE_MS/)
  })

  it('a claim records the worker and its lease; a claim nobody renews is requeued once expired, and another worker runs it to the end', async () => {
    const a = await open('expire.db', 600)
    const b = await open('expire.db', 600)
    try {
      const run = await queueTeamRun(a, 'claimed by a worker that then stalls')
      // a claims without executing (no heartbeat): as a worker frozen right after its claim
      const claimed = await a.runs.claimNext(a.leases.claimant)
      expect(claimed?.run_id).toBe(run.run_id)
      expect(claimed?.worker_id).toBe(a.leases.claimant.workerId)
      expect(Date.parse(claimed!.lease_expires_at!)).toBeGreaterThan(Date.now())
      // before the lease expires no sweeper takes it (a is the same process: only the lease decides)
      expect(await sweepDeadClaims(b.runs, b.leases.claimant.workerId)).toBe(0)
      const q = await startRunQueue(b, { pollMs: 0, crons: false })
      try {
        const done = await waitForRun(b, run.run_id)
        expect(done?.status).toBe('success')
        expect(done?.worker_id).toBe(b.leases.claimant.workerId)
        expect(done?.attempt).toBe(2)
        // the stalled worker can no longer settle it
        expect(await a.runs.finishRun(run.run_id, 'error', 'late', a.leases.claimant.workerId)).toBeUndefined()
        expect((await b.runs.getRun(run.run_id)).status).toBe('success')
      } finally {
        await q.stop()
      }
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('the heartbeat keeps a long run its own; a worker that lost its claim aborts with LEASE_LOST', async () => {
    const a = await open('renew.db', 600)
    try {
      const run = await queueTeamRun(a, 'renewed')
      const claimed = (await a.runs.claimNext(a.leases.claimant))!
      const abort = new AbortController()
      a.leases.hold(run.run_id, abort)
      const first = claimed.lease_expires_at!
      await until('a renewal', async () => (await a.runs.getRun(run.run_id)).lease_expires_at! > first)
      // renewed until it outlives its first lease by three lease lengths (the heartbeat's writes, observed, not a
      // sleep): still held, and the sweeper leaves a renewed claim alone
      await until('three lease lengths of renewals', async () => Date.parse((await a.runs.getRun(run.run_id)).lease_expires_at!) >= Date.parse(first) + 3 * 600)
      expect(await sweepDeadClaims(a.runs, 'someone-else/1/x')).toBe(0)
      expect((await a.runs.getRun(run.run_id)).worker_id).toBe(a.leases.claimant.workerId)
      // another worker takes it over (as after a stall): the next heartbeat tells this one to stop
      await a.store.db.updateTable('runs').set({ worker_id: 'other-host/1/abcd' }).where('run_id', '=', run.run_id).execute()
      await until('the abort', () => abort.signal.aborted)
      expect(abort.signal.reason).toBe(LEASE_LOST)
      a.leases.release(run.run_id)
    } finally {
      await a.close()
    }
  })

  it('a cancel flagged by another connection aborts the held run (interrupt or rollback)', async () => {
    const a = await open('cancel.db', 60_000)
    const b = await open('cancel.db', 60_000)
    try {
      for (const action of ['interrupt', 'rollback'] as const) {
        const run = await queueTeamRun(a, `cancel ${action}`)
        await a.runs.claimNext(a.leases.claimant)
        const abort = new AbortController()
        a.leases.hold(run.run_id, abort)
        // the lease is a minute: the abort comes from b's commit, seen through the data_version watch
        await b.runs.requestCancel(run.thread_id, action)
        await until('the abort', () => abort.signal.aborted, 10_000)
        expect(abort.signal.reason).toBe(action)
        a.leases.release(run.run_id)
        await a.runs.finishRun(run.run_id, 'interrupted', 'cancelled', a.leases.claimant.workerId)
      }
    } finally {
      await a.close()
      await b.close()
    }
  })
})
