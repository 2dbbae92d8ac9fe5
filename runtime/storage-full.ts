import { isStorageFull } from '../store/app-error.js'
import type { Runtime } from './runtime.js'

const FIRST_MS = 250
const MAX_MS = 2_000

/**
 * A run whose attempt failed because the database's disk is full goes back to the queue once a write
 * fits again: the requeue (one small UPDATE) is retried with a growing pause (0.25 s doubling to 2 s)
 * until it commits, so the run continues from its last committed checkpoint as soon as space is
 * freed, with no event lost or repeated (an event is published only after its append committed).
 * Other errors are thrown.
 */
export async function requeueWhenSpace(rt: Runtime, runId: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  for (let wait = FIRST_MS; ; wait = Math.min(MAX_MS, wait * 2)) {
    await sleep(wait)
    try {
      await rt.runs.requeueRun(runId)
      return
    } catch (e) {
      if (!isStorageFull(e)) throw e
    }
  }
}
