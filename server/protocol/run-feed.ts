import type { RunRow } from '../../store/run-schema.js'
import { followRun } from '../../runtime/run-follow.js'
import { parseKwargs } from '../../runtime/run-kwargs.js'
import type { Runtime } from '../../runtime/runtime.js'
import { isInFlight } from './event-seq.js'
import { RunTranslator, type Draft, type TerminalStatus } from './run-translator.js'

/** A protocol event of one run, numbered from 0 in the order the run produced it. */
export type LocalEvent = Draft & { local: number }

/** How a run's feed stopped: it ended (terminal lifecycle out), is still in flight (store-only read), is gone, or was aborted. */
export type RunFeedEnd = 'ended' | 'in-flight' | 'gone' | 'aborted'

/** How to read a run's protocol events. */
export interface RunFeedOptions {
  /** Follow the run until it ends (replay, then the live tail); otherwise read what the store holds now. */
  live: boolean
  signal?: AbortSignal
}

// LangGraph names interrupts by xxh3 hashes: a resume keyed by them answers those interrupts
const INTERRUPT_ID = /^[0-9a-f]{32}$/

/** The interrupts a resume run answers (`Command({resume: {[interrupt_id]: value}})`). */
function answeredIds(run: RunRow): string[] {
  const resume = parseKwargs(run.kwargs).command?.resume
  if (!resume || typeof resume !== 'object' || Array.isArray(resume)) return []
  const ids = Object.keys(resume)
  return ids.length > 0 && ids.every((k) => INTERRUPT_ID.test(k)) ? ids : []
}

function terminalOf(run: RunRow, t: RunTranslator): TerminalStatus {
  if (run.status === 'success') return t.interrupted ? 'interrupted' : 'completed'
  return run.status === 'interrupted' ? 'interrupted' : 'failed'
}

/**
 * The protocol events of one run, derived from its durable log: a root `lifecycle: running`,
 * `input.answered` when it resumes interrupts, the translated log, and the terminal lifecycle
 * (`completed`, `interrupted` when it stopped at an `interrupt()` or was cancelled, `failed`). The same
 * log always gives the same events with the same `local` numbers, live or replayed, before or after a
 * restart: that is what makes protocol seqs durable.
 */
export async function* runEvents(rt: Runtime, run: RunRow, o: RunFeedOptions): AsyncGenerator<LocalEvent, RunFeedEnd> {
  let local = 0
  const number = (drafts: Draft[]): LocalEvent[] => drafts.map((d) => ({ ...d, local: local++ }))
  const t = new RunTranslator(run.graph)
  yield* number([{ method: 'lifecycle', namespace: [], data: { event: 'running', graph_name: run.graph } }])
  const answered = answeredIds(run)
  if (answered.length > 0) yield* number([{ method: 'input.answered', namespace: [], data: { interrupt_ids: answered } }])

  let final: RunRow | undefined
  if (o.live) {
    for await (const ev of followRun(rt, run.run_id, -1, o.signal)) yield* number(t.push(ev))
    if (o.signal?.aborted) return 'aborted'
    final = await rt.runs.getRun(run.run_id).catch(() => undefined)
  } else {
    // status first: if the run had ended by then, the log read after it is complete
    final = await rt.runs.getRun(run.run_id).catch(() => undefined)
    if (!final) return 'gone'
    for (const ev of await rt.runs.listEvents(run.run_id)) yield* number(t.push(ev))
  }
  if (!final) return 'gone'
  if (isInFlight(final)) return 'in-flight'
  if (!t.failed) yield* number(t.end(terminalOf(final, t), final.status === 'success' || final.status === 'interrupted' ? undefined : final.error ?? final.status))
  return 'ended'
}
