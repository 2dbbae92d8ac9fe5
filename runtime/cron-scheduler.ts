import { MAX_TIMER_MS } from '../agents/steps/step-context.js'
import { createCronRepo } from '../store/cron-repo.js'
import type { CronRow } from '../store/cron-schema.js'
import { withTenant } from '../store/tenant-scope.js'
import { nextRunDate } from './cron-schedule.js'
import type { RunCreate } from './run-schemas.js'
import { queueRunRequest } from './run-request.js'
import type { Runtime } from './runtime.js'

export interface CronSchedulerOptions {
  /** Also look at the store this often (ms, default 30 s) for crons another process created; 0 turns it off. */
  pollMs?: number
  /** Reports a firing that could not queue its run (e.g. its thread was busy and the strategy is reject). */
  onError?: (e: unknown, cron: CronRow) => void
}

export interface CronScheduler { stop(): Promise<void> }

/**
 * The setTimeout delay that wakes at `at` (ISO) plus a few ms, capped: setTimeout fires at once past
 * 2^31 - 1 ms (~24.8 days), so a later date is waited for that long and then looked at again.
 */
export const delayUntil = (at: string): number => Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(at) - Date.now()) + 5)

/** Queues one firing's run in the cron's tenant: on its thread, or stateless (a new thread each time). */
export function fireCron(rt: Runtime, cron: CronRow) {
  const payload = JSON.parse(cron.payload) as RunCreate
  const body: RunCreate = {
    ...payload,
    assistant_id: cron.assistant_id,
    // the due time this firing is for: one run per cron and due time, cluster-wide (see startCronScheduler)
    metadata: { ...payload.metadata, cron_id: cron.cron_id, cron_due_at: cron.next_run_date },
    on_completion: cron.on_run_completed ?? 'delete',
  }
  return withTenant(cron.tenant, () => queueRunRequest(rt, cron.thread_id ?? undefined, body))
}

/**
 * Fires crons when they are due: one timer armed at the earliest `next_run_date`, re-armed when a
 * cron is created, changed or deleted in this process (`rt.wakeCrons`) and every `pollMs`. Each due
 * cron is first moved to its next date with a compare-and-set, so among several processes on one
 * database exactly one fires it; a cron missed while no server ran fires once, then keeps its schedule.
 */
export function startCronScheduler(rt: Runtime, opts: CronSchedulerOptions = {}): CronScheduler {
  const repo = createCronRepo(rt.store.db)
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let busy: Promise<void> | undefined
  let again = false

  const tick = async () => {
    const now = new Date()
    for (const cron of await repo.due(now.toISOString())) {
      let next: string | null
      try {
        next = nextRunDate(cron, now)
      } catch {
        next = null // a timezone the runtime no longer knows: stop rather than fire in a loop
      }
      if (!(await repo.advance(cron.cron_id, cron.next_run_date!, next))) continue
      await fireCron(rt, cron).catch((e: unknown) => opts.onError?.(e, cron))
    }
    const at = await repo.nextDue()
    if (timer) clearTimeout(timer)
    if (at !== undefined && !stopped) timer = setTimeout(wake, delayUntil(at))
  }
  function wake() {
    if (stopped) return
    if (busy) { again = true; return }
    busy = (async () => {
      do {
        again = false
        await tick().catch(() => undefined)
      } while (again && !stopped)
    })().finally(() => { busy = undefined })
  }

  // a change made here wakes this scheduler and the other processes'
  rt.wakeCrons = () => { wake(); rt.signals.send('crons') }
  wake()
  const pollMs = opts.pollMs ?? 30_000
  const poll = pollMs > 0 ? setInterval(wake, pollMs) : undefined
  poll?.unref()
  const offCommits = rt.signals.on('crons', wake)
  return {
    async stop() {
      stopped = true
      offCommits()
      rt.wakeCrons = () => rt.signals.send('crons')
      if (timer) clearTimeout(timer)
      if (poll) clearInterval(poll)
      await busy
    },
  }
}
