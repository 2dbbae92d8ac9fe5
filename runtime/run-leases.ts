import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { CommitWatch } from '../store/commit-watch.js'
import type { Claimant, RunClaim, RunRepo } from '../store/run-repo.js'
import { isProcessAlive } from './process-alive.js'

/** How long a claim holds without a heartbeat (ms) unless SWITCHYARD_LEASE_MS says otherwise. */
export const DEFAULT_LEASE_MS = 30_000

/** Why a run's AbortController was aborted when its worker no longer holds it: the run is someone else's now. */
export const LEASE_LOST = 'lease-lost'

/** The lease length from the environment (SWITCHYARD_LEASE_MS, 500 ms to 1 h), else the default. */
export function leaseMsFrom(env: NodeJS.ProcessEnv): number {
  const v = env.SWITCHYARD_LEASE_MS
  if (v === undefined || v === '') return DEFAULT_LEASE_MS
  const n = Number(v)
  if (!Number.isInteger(n) || n < 500 || n > 3_600_000) throw new Error(`SWITCHYARD_LEASE_MS must be an integer from 500 to 3600000 (ms), got "${v}"`)
  return n
}

/** A worker id names the host and process, plus a nonce (a recycled pid is another worker): `host/pid/nonce`. */
export const newWorkerId = () => `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`

function parseWorkerId(id: string): { host: string; pid: number } | undefined {
  const parts = id.split('/')
  if (parts.length < 3) return undefined
  const pid = Number(parts[parts.length - 2])
  return Number.isInteger(pid) ? { host: parts.slice(0, -2).join('/'), pid } : undefined
}

/**
 * Whether a running run's claim is dead, judged by `me` (another worker): its lease ran out, or its
 * worker was a process on this host that no longer exists (no need to wait for the lease: a SIGKILLed
 * worker's runs are taken over at once by a worker on the same machine). A claim without a lease (a
 * process older than leases) is judged by its pid alone.
 */
export function isDeadClaim(c: RunClaim, me: string, now = Date.now()): boolean {
  if (c.worker_id === me) return false
  if (c.lease_expires_at !== null && Date.parse(c.lease_expires_at) < now) return true
  if (c.worker_id === null) return c.lease_expires_at === null && !isProcessAlive(c.pid)
  const w = parseWorkerId(c.worker_id)
  if (!w || w.host !== hostname()) return false
  // this process under another worker id: a previous runtime in it, closed (tests open several)
  return w.pid === process.pid ? false : !isProcessAlive(w.pid)
}

/**
 * The claims this process holds on the runs it executes: one heartbeat renews all their leases every
 * third of the lease; a run missing from the renewal's answer was taken by another worker (this one
 * stalled past its lease) and is aborted with LEASE_LOST; a cancel flag another process set aborts
 * its run (`interrupt` or `rollback`), seen at the heartbeat or as soon as another connection commits.
 */
export interface RunLeases {
  readonly claimant: Claimant
  hold(runId: string, abort: AbortController): void
  release(runId: string): void
  /** Looks at the held runs' cancel flags now (a signal from another process said one was set). */
  checkCancels(): void
  stop(): void
}

export function createRunLeases(runs: RunRepo, commits: CommitWatch, opts: { leaseMs: number; workerId?: string }): RunLeases {
  const claimant: Claimant = Object.freeze({ pid: process.pid, workerId: opts.workerId ?? newWorkerId(), leaseMs: opts.leaseMs })
  const held = new Map<string, AbortController>()
  let timer: NodeJS.Timeout | undefined
  let offCommits: (() => void) | undefined
  let checking = false
  const abortFor = (flag: number) => (flag === 2 ? 'rollback' : 'interrupt')
  const onFlags = (rows: { run_id: string; cancel_requested: number }[]) => {
    for (const r of rows) if (r.cancel_requested > 0) held.get(r.run_id)?.abort(abortFor(r.cancel_requested))
  }
  const beat = async () => {
    const ids = [...held.keys()]
    const kept = await runs.renewLeases(claimant.workerId, ids, claimant.leaseMs)
    const still = new Set(kept.map((r) => r.run_id))
    for (const id of ids) if (!still.has(id) && held.has(id)) held.get(id)!.abort(LEASE_LOST)
    onFlags(kept)
  }
  const checkCancels = () => {
    if (checking || held.size === 0) return
    checking = true
    runs.cancelFlags([...held.keys()]).then(onFlags, () => undefined).finally(() => { checking = false })
  }
  return {
    claimant,
    hold(runId, abort) {
      held.set(runId, abort)
      if (!timer) {
        timer = setInterval(() => { beat().catch(() => undefined) }, Math.max(100, Math.floor(claimant.leaseMs / 3)))
        timer.unref()
        offCommits = commits.onExternalCommit(checkCancels)
      }
    },
    release(runId) {
      held.delete(runId)
      if (held.size === 0) this.stop()
    },
    checkCancels,
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      offCommits?.()
      offCommits = undefined
    },
  }
}

/** Requeues every running run whose claim is dead (see isDeadClaim); answers how many. Safe with several sweepers at once. */
export async function sweepDeadClaims(runs: RunRepo, me: string): Promise<number> {
  let n = 0
  for (const c of await runs.runningClaims()) if (isDeadClaim(c, me) && (await runs.requeueClaim(c))) n++
  return n
}
