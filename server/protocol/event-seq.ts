import type { RunRow } from '../../store/run-schema.js'
import type { Runtime } from '../../runtime/runtime.js'

/**
 * How a protocol `seq` is made durable. The store keeps one event log per run (`run_events`, seq from 0);
 * a protocol stream spans every run of a thread. Each run's protocol events are derived from its log
 * deterministically (same log → same events, same order), numbered `local` from 0, and
 *
 *   seq = rank × SEQ_STRIDE + local      event_id = `${run_id}:${local}`
 *
 * where `rank` is the run's ordinal among the thread's runs (from 1, fixed when it was queued). So a seq
 * names the same event after a dropped connection, after a restart and after an earlier run is deleted,
 * grows across runs, and `since` / `subscription.reconnect` replay exactly what came after it. A run
 * deleted while it was the thread's last (a rollback) leaves its ordinal to the next run.
 */
export const SEQ_STRIDE = 1_000_000_000

/** The protocol seq of a run's `local`-th event. */
export const seqOf = (rank: number, local: number): number => rank * SEQ_STRIDE + local

/** The run rank and local index a seq points at; rank 0 means "before the first run". */
export function decodeSeq(seq: number): { rank: number; local: number } {
  const rank = Math.floor(seq / SEQ_STRIDE)
  return { rank, local: rank === 0 ? -1 : seq - rank * SEQ_STRIDE }
}

/** The stable id of a run's `local`-th event (it names the run, so it never moves). */
export const eventIdOf = (runId: string, local: number): string => `${runId}:${local}`

/** Parses an event id; undefined when it is not one of ours or names another run. */
export function parseEventId(eventId: string, runId: string): number | undefined {
  const at = eventId.lastIndexOf(':')
  if (at < 0 || eventId.slice(0, at) !== runId) return undefined
  const local = Number(eventId.slice(at + 1))
  return Number.isSafeInteger(local) && local >= 0 ? local : undefined
}

/** A run with its rank in the thread. */
export interface RankedRun { rank: number; run: RunRow }

/** Pending or running: its log may still grow. */
export const isInFlight = (r: Pick<RunRow, 'status'>): boolean => r.status === 'pending' || r.status === 'running'

/** The thread's runs in order, ranked by their ordinals (deleted runs leave gaps). */
export async function threadRuns(rt: Runtime, threadId: string): Promise<RankedRun[]> {
  const rows = await rt.store.db.selectFrom('runs').selectAll().where('thread_id', '=', threadId).orderBy('ordinal').execute()
  return rows.map((run) => ({ rank: run.ordinal, run }))
}

/**
 * The run a subscription without `since` starts at: the run this connection started last, else the
 * first run in flight, else the latest run (its events are the thread's current state).
 */
export function currentRun(runs: RankedRun[], preferred?: string): RankedRun | undefined {
  return (preferred ? runs.find((r) => r.run.run_id === preferred) : undefined)
    ?? runs.find((r) => isInFlight(r.run))
    ?? runs.at(-1)
}

/** Where to go on after an event: past a run's root end, straight to the next run (nothing follows it). */
export function resumeAfter(ev: { seq: number; method: string; params: { namespace: string[]; data: unknown } }): number {
  const end = ev.method === 'lifecycle' && ev.params.namespace.length === 0 && ['completed', 'failed', 'interrupted'].includes((ev.params.data as { event?: string }).event ?? '')
  return end ? seqOf(decodeSeq(ev.seq).rank + 1, 0) - 1 : ev.seq
}

/** The seq just before a run's first event: replaying "after" it replays the whole run. */
export const beforeRun = (r: RankedRun | undefined): number => (r ? seqOf(r.rank, 0) - 1 : 0)
