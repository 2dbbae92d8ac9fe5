import type { Selectable } from 'kysely'

/** A cron job (migration 011). `payload` and `metadata` are JSON text; `enabled` is 0 or 1. */
export interface CronTable {
  cron_id: string
  /** Owner tenant ('' when the server is open); see store/tenant-scope.ts. */
  tenant: string
  assistant_id: string
  /** null: a stateless cron, each run on a new thread. */
  thread_id: string | null
  schedule: string
  timezone: string | null
  end_time: string | null
  /** The run request every firing queues (the API's run body: input, config, stream_mode, …). */
  payload: string
  metadata: string
  on_run_completed: 'delete' | 'keep' | null
  enabled: number
  /** When it fires next (ISO); null once past `end_time`. */
  next_run_date: string | null
  created_at: string
  updated_at: string
}

export interface CronTables { crons: CronTable }
export type CronRow = Selectable<CronTable>
