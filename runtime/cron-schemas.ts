import { z } from 'zod'
import { CRON_SORT } from '../store/cron-repo.js'
import { RunCreate } from './run-schemas.js'

/** Fields of a run body a cron keeps in its payload (queue-only ones, like after_seconds, have no meaning here). */
export const CRON_RUN_FIELDS = [
  'input', 'command', 'stream_mode', 'stream_subgraphs', 'stream_resumable', 'config', 'context', 'metadata',
  'interrupt_before', 'interrupt_after', 'multitask_strategy', 'webhook', 'checkpoint_during', 'durability',
] as const

const timing = {
  schedule: z.string().trim().min(1).max(200),
  timezone: z.string().min(1).max(100).nullish(),
  end_time: z.string().nullish(),
}

/** `POST /runs/crons` and `POST /threads/{id}/runs/crons`: a run body plus when to queue it. */
export const CronCreate = RunCreate.extend({
  ...timing,
  enabled: z.boolean().optional(),
  on_run_completed: z.enum(['delete', 'keep']).nullish(),
})
export type CronCreate = z.infer<typeof CronCreate>

/** `PATCH /runs/crons/{id}`: any of the timing, the switch, and the run fields. */
export const CronUpdate = RunCreate.omit({ assistant_id: true }).partial().extend({
  schedule: timing.schedule.optional(),
  timezone: timing.timezone,
  end_time: timing.end_time,
  enabled: z.boolean().optional(),
  on_run_completed: z.enum(['delete', 'keep']).nullish(),
})
export type CronUpdate = z.infer<typeof CronUpdate>

const filters = {
  assistant_id: z.string().nullish(),
  thread_id: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
}

export const CRON_FIELDS = [
  'cron_id', 'assistant_id', 'thread_id', 'end_time', 'schedule', 'created_at', 'updated_at', 'user_id',
  'payload', 'next_run_date', 'metadata', 'now', 'timezone', 'enabled', 'on_run_completed',
] as const

export const CronSearch = z.object({
  ...filters,
  enabled: z.boolean().nullish(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  sort_by: z.enum(CRON_SORT).nullish(),
  sort_order: z.enum(['asc', 'desc']).nullish(),
  select: z.array(z.enum(CRON_FIELDS)).nullish(),
})

export const CronCount = z.object(filters)
