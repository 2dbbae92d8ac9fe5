import { isDatabaseBusy, isStorageFull } from '../store/app-error.js'
import type { CronRow } from '../store/cron-schema.js'
import type { RunRow } from '../store/run-schema.js'
import { parseKwargs } from './run-kwargs.js'
import type { Logger } from 'pino'
import { executeRun } from './runner.js'
import type { Runtime } from './runtime.js'
import { callWebhook, type WebhookOptions } from './webhook.js'
import { LEASE_LOST, sweepDeadClaims } from './run-leases.js'
import { delayUntil, startCronScheduler } from './cron-scheduler.js'

/** The queue's safety poll from the environment (`SWITCHYARD_QUEUE_POLL_MS`, 0 = off), else 30 s. */
export function queuePollMsFrom(env: NodeJS.ProcessEnv): number {
  const v = env.SWITCHYARD_QUEUE_POLL_MS
  if (v === undefined || v === '') return 30_000
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new Error(`SWITCHYARD_QUEUE_POLL_MS must be a whole number of ms (0 = off), got "${v}"`)
  return n
}

/** What the run queue reports when a run ends (the server's Prometheus metrics implement it). */
export interface RunMetrics {
  runEnded(graph: string, status: string, seconds: number): void
}

export interface RunQueueOptions {
  /** Runs executing at once in this process (default 10). */
  concurrency?: number
  /** Retry policy of run webhooks. */
  webhook?: WebhookOptions
  /** Reports a run that failed outside the graph (store errors). */
  onError?: (e: unknown, run: RunRow) => void
  /**
   * Also look at the store this often (ms, default `SWITCHYARD_QUEUE_POLL_MS` or 30 s) for runs another
   * process queued on the same database, e.g. the deadline timer a CLI run left at a human step; 0 turns
   * it off (runs are then claimed on signals alone: this process's, and other processes' through rt.signals).
   */
  pollMs?: number
  /** Logs each run's end (id, thread, graph, attempt, status, ms). */
  logger?: Logger
  /** Counts each run's end and duration. */
  metrics?: RunMetrics
  /** Fire cron jobs in this process (default true). */
  crons?: boolean
  /** Reports a cron firing that could not queue its run (default: ignored; the cron keeps its schedule). */
  onCronError?: (e: unknown, cron: CronRow) => void
}

export interface RunQueue {
  /** Runs executing now. */
  active(): number
  /**
   * Stops claiming and waits for the runs in progress; with `graceMs`, runs still going after that
   * long are stopped and put back in the queue (pending), to continue from their last checkpoint at
   * the next start, instead of holding the shutdown for as long as they take.
   */
  stop(opts?: { graceMs?: number }): Promise<void>
}

/**
 * The server's workers: claim pending runs from the store and execute them, up to `concurrency` at
 * once. Event-driven: creating a run or finishing one wakes the queue at once (no polling delay);
 * a timer wakes it when the next delayed run (`after_seconds`) is due. Each claim is a lease this
 * process's heartbeat renews (rt.leases); at start-up and twice per lease, runs whose worker died go
 * back to pending and continue from their last checkpoint on whichever worker claims them.
 */
export async function startRunQueue(rt: Runtime, opts: RunQueueOptions = {}): Promise<RunQueue> {
  const concurrency = opts.concurrency ?? 10
  const inflight = new Set<Promise<unknown>>()
  const hooks = new Set<Promise<unknown>>()
  let stopped = false
  let draining = false
  let again = false
  let timer: NodeJS.Timeout | undefined
  // Claims cost an UPDATE; only try one when a run may be claimable: after one was queued here
  // (`fresh`), at start-up and when a timer fires (`unknown`), or when a run finishes while runs
  // that were not claimable (queued behind a running one on their thread) are still pending.
  let fresh = 0
  // ids of runs queued here and not yet claimed, oldest first: claimed by id, a cheaper UPDATE
  const freshIds: string[] = []
  let unknown = true
  let stuck = false

  const drain = async () => {
    if (draining) { again = true; return }
    draining = true
    try {
      do {
        again = false
        while (!stopped && inflight.size < concurrency && (fresh > 0 || unknown || stuck)) {
          const id = freshIds.shift()
          const run = (id !== undefined ? await rt.runs.claimRun(id, rt.leases.claimant) : undefined) ?? await rt.runs.claimNext(rt.leases.claimant)
          if (!run) {
            fresh = 0
            freshIds.length = 0
            unknown = false
            stuck = await rt.runs.hasPending()
            break
          }
          fresh = Math.max(0, fresh - 1)
          const t0 = performance.now()
          const p: Promise<unknown> = executeRun(rt, run, {
            requeueWhenFull: true,
            onStorageFull: (r) => opts.logger?.warn({ run_id: r.run_id, thread_id: r.thread_id, graph: r.graph, attempt: r.attempt, code: 'STORAGE_FULL' }, 'run paused: the disk is full; it is requeued once a write fits'),
          })
            .then((settled) => {
              const ms = performance.now() - t0
              opts.metrics?.runEnded(run.graph, settled.status, ms / 1_000)
              if (settled.error?.code === 'STORAGE_FULL') {
                opts.logger?.info({ run_id: run.run_id, thread_id: run.thread_id, graph: run.graph, attempt: run.attempt, code: 'STORAGE_FULL' }, 'run requeued: space was freed')
                // claim it again at once (the slot frees below)
                unknown = true
                return
              }
              if (settled.error?.code === LEASE_LOST) {
                opts.logger?.warn({ run_id: run.run_id, thread_id: run.thread_id, graph: run.graph, attempt: run.attempt, code: LEASE_LOST }, 'run taken over by another worker: this one stalled past its lease')
                return
              }
              opts.logger?.info({ run_id: run.run_id, thread_id: run.thread_id, graph: run.graph, attempt: run.attempt, status: settled.status, ms: Math.round(ms) }, 'run finished')
            })
            .catch((e: unknown) => opts.onError?.(e, run))
            .finally(() => {
              inflight.delete(p)
              // a slot is free: claim again if runs may be waiting (queued here beyond the concurrency,
              // left at start-up, or behind a busy thread); before, only the last case woke the queue
              // and the others waited for the 30 s poll (seen with 100 runs queued at once)
              if (stuck || fresh > 0 || unknown) wake()
              // a webhook is a notification after the run: it does not hold a worker slot
              if (parseKwargs(run.kwargs).webhook) {
                const w: Promise<unknown> = callWebhook(rt, run.run_id, opts.webhook).finally(() => hooks.delete(w))
                hooks.add(w)
              }
            })
          inflight.add(p)
        }
      } while (again && !stopped)
      if (timerDirty) await armTimer()
    } finally {
      draining = false
    }
  }
  // the store is asked when the next delayed run is due only at start-up and when one was queued
  let timerDirty = true
  const armTimer = async () => {
    timerDirty = false
    if (timer) clearTimeout(timer)
    const at = await rt.runs.nextDueAt()
    if (at && !stopped) timer = setTimeout(() => { timerDirty = true; unknown = true; wake() }, delayUntil(at))
  }
  /** Called by createRun for each run it queues (with its due time when delayed), and after a run ends. */
  function wake(dueAt?: string) {
    if (dueAt) timerDirty = true
    // a claim that failed on a full disk is tried again shortly (the run queued meanwhile waits otherwise for the poll)
    // so is one refused for a lock another process held too long (SQLite's busy timeout, a Postgres deadlock)
    if (!stopped) void drain().catch((e: unknown) => { if (isStorageFull(e) || isDatabaseBusy(e)) setTimeout(() => wake(), 1_000).unref() })
  }
  const queued = (dueAt?: string, runId?: string) => {
    if (!dueAt) {
      fresh++
      if (runId !== undefined) freshIds.push(runId)
    }
    wake(dueAt)
  }

  const me = rt.leases.claimant.workerId
  await sweepDeadClaims(rt.runs, me)
  rt.wake = queued
  wake()
  // the sweeper: runs whose worker died (lease expired, or a dead process on this host) go back to the
  // queue, to continue from their last checkpoint; twice per lease, so a takeover waits at most 1.5 leases
  let sweeping = false
  const sweeper = setInterval(() => {
    if (sweeping || stopped) return
    sweeping = true
    sweepDeadClaims(rt.runs, me).then((n) => { if (n > 0) { unknown = true; wake() } }, () => undefined).finally(() => { sweeping = false })
  }, Math.max(250, Math.floor(rt.leases.claimant.leaseMs / 2)))
  sweeper.unref()
  const pollMs = opts.pollMs ?? queuePollMsFrom(process.env)
  const poll = pollMs > 0 ? setInterval(() => { timerDirty = true; unknown = true; wake() }, pollMs) : undefined
  poll?.unref()
  // another process queued or finished a run (an API process, a CLI run, another worker): look now
  const offCommits = rt.signals.on('runs', () => { timerDirty = true; unknown = true; wake() })
  // the server's crons fire where its runs execute: a process with a run queue
  const crons = opts.crons === false ? undefined : startCronScheduler(rt, { pollMs, onError: opts.onCronError })
  return {
    active: () => inflight.size,
    async stop(o = {}) {
      stopped = true
      if (timer) clearTimeout(timer)
      if (poll) clearInterval(poll)
      clearInterval(sweeper)
      offCommits()
      rt.wake = () => undefined
      await crons?.stop()
      const grace = o.graceMs !== undefined && inflight.size > 0
        ? setTimeout(() => { for (const c of rt.controllers.values()) c.abort('shutdown') }, o.graceMs)
        : undefined
      await Promise.allSettled([...inflight])
      if (grace) clearTimeout(grace)
      await Promise.allSettled([...hooks])
    },
  }
}
