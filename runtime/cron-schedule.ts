import { Cron } from 'croner'
import { AppError } from '../store/app-error.js'

/** What decides when a cron fires: its pattern, its timezone (default UTC) and its end. */
export interface CronTiming { schedule: string; timezone?: string | null; end_time?: string | null }

function pattern(t: CronTiming): Cron {
  try {
    // paused: this object only computes dates, it never schedules anything itself
    return new Cron(t.schedule, { timezone: t.timezone ?? 'UTC', paused: true })
  } catch (e) {
    throw new AppError('VALIDATION', `invalid schedule ${JSON.stringify(t.schedule)}: ${(e as Error).message}`, { details: { schedule: t.schedule } })
  }
}

/**
 * When a cron fires next after `after` (ISO), or null when that would be past its `end_time`.
 * Patterns have five fields (minute hour day month weekday) or six (seconds first), with croner's
 * syntax (`*`, lists, ranges, steps, names, `L`, `#`); the timezone is an IANA name.
 */
export function nextRunDate(t: CronTiming, after: Date = new Date()): string | null {
  let next: Date | null
  try {
    next = pattern(t).nextRun(after)
  } catch (e) {
    if (e instanceof AppError) throw e
    throw new AppError('VALIDATION', `invalid timezone ${JSON.stringify(t.timezone)}`, { details: { timezone: t.timezone } })
  }
  if (!next) return null
  if (t.end_time && next.getTime() > Date.parse(t.end_time)) return null
  return next.toISOString()
}

/** Throws a VALIDATION error unless the schedule, timezone and end time are usable. */
export function checkTiming(t: CronTiming): void {
  if (t.end_time != null && !Number.isFinite(Date.parse(t.end_time))) {
    throw new AppError('VALIDATION', `invalid end_time ${JSON.stringify(t.end_time)}: not an ISO date`, { details: { end_time: t.end_time } })
  }
  nextRunDate(t)
}
