import type { Generated, Selectable } from 'kysely'

export const RUN_STATUSES = ['pending', 'running', 'success', 'error', 'timeout', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** What started the run: a fresh input, a resume (Command), a continuation after a pause or crash, a replay from a checkpoint. */
export type RunKind = 'input' | 'resume' | 'continue' | 'replay'

export interface ThreadTable {
  thread_id: string
  /** Owner tenant ('' when the server is open); see store/tenant-scope.ts. */
  tenant: Generated<string>
  graph: string | null
  status: Generated<string>
  metadata: Generated<string>
  created_at: Generated<string>
  updated_at: Generated<string>
  /** Deleted once left alone this many minutes (no run, no update since `updated_at`); null = kept. */
  ttl_minutes: number | null
}

export interface RunTable {
  run_id: string
  thread_id: string
  graph: string
  status: RunStatus
  kind: RunKind
  payload: Generated<string>
  error: string | null
  pid: number | null
  cancel_requested: Generated<number>
  created_at: Generated<string>
  updated_at: Generated<string>
  assistant_id: string | null
  metadata: Generated<string>
  multitask_strategy: Generated<string>
  /** JSON RunKwargs: input, command, config, stream modes, interrupts, webhook ... */
  kwargs: Generated<string>
  /** Not before this time (after_seconds); null = now. */
  available_at: string | null
  attempt: Generated<number>
  /** The thread's head checkpoint when the run started: rollback and crash recovery start from it. */
  start_checkpoint_id: string | null
  /** A stateless run's thread is deleted when it ends. */
  temporary: Generated<number>
  /** Its place among the thread's runs (from 1), set when queued; a deleted run leaves a gap. */
  ordinal: Generated<number>
  /** W3C traceparent of the span active when the run was queued (null when untraced). */
  trace_parent: string | null
  /** W3C traceparent of the run's own span (its latest attempt), once it started traced. */
  trace_span: string | null
  /** The worker holding a running run's claim (`host/pid/nonce`); null when not running. */
  worker_id: string | null
  /** Until when that claim holds unless the worker's heartbeat renews it (ISO); then the sweeper requeues the run. */
  lease_expires_at: string | null
}

export interface RunEventTable {
  run_id: string
  seq: number
  event: string
  data: string
  created_at: Generated<string>
}

export interface RunTables {
  threads: ThreadTable
  runs: RunTable
  run_events: RunEventTable
}

export type ThreadRow = Selectable<ThreadTable>
export type RunRow = Selectable<RunTable>
export type RunEventRow = Selectable<RunEventTable>
