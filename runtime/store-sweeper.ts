import { sweepExpiredStoreItems } from '../store/store-ttl.js'
import type { Runtime } from './runtime.js'
import { sweepExpiredThreads } from './thread-ttl.js'

/** The sweep of a running server; `stop` waits for a sweep in progress, so the database can close after it. */
export interface StoreSweeper { stop(): Promise<void> }

/** How often a server deletes expired store items and threads by default (ms). */
export const DEFAULT_STORE_SWEEP_MS = 60_000

/**
 * Deletes expired store items every `intervalMs` (every tenant's; reads skip them anyway, so a late or
 * failed sweep costs space, never correctness), then the threads whose TTL ran out. The timer does
 * not keep the process alive.
 *
 * @example
 * const sweeper = startStoreSweeper(rt, { intervalMs: 60_000, onError: console.error })
 * await sweeper.stop()
 */
export function startStoreSweeper(rt: Runtime, o: { intervalMs: number; onError: (e: Error) => void }): StoreSweeper {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = sweepExpiredStoreItems(rt.store.db).then(() => sweepExpiredThreads(rt)).catch((e: unknown) => o.onError(e instanceof Error ? e : new Error(String(e))))
  }, o.intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
