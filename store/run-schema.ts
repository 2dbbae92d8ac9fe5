import type { Generated, Selectable } from 'kysely'

export const RUN_STATUSES = ['pending', 'running', 'success', 'error', 'timeout', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** What started the run: a fresh input, a resume (Command), a continuation after a pause or crash, a replay from a checkpoint. */
export type RunKind = 'input' | 'resume' | 'continue' | 'replay'

export interface ThreadTable {
  thread_id: string
  graph: string | null
  status: Generated<string>
  metadata: Generated<string>
  created_at: Generated<string>
  updated_at: Generated<string>
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
