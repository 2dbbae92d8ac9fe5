import type { Command } from 'commander'
import type { RunQueueOptions } from '../runtime/run-queue.js'
import type { Logger } from '../server/logger.js'
import { dbPathOf, graphsOf, type GlobalOpts } from './context.js'
import { UsageError } from './exit-codes.js'

/**
 * What the long-running commands (`serve`, `worker`) set up alike: their flags' numbers, the logger, the
 * project (graphs, langgraph.json options, database path), the run queue's error reports and the signal
 * that stops them. Server modules are imported when a command runs, not when the CLI starts.
 */

/** A `--concurrency`/`--workers` value: runs executed at once by this process (`min` 0 lets `--workers 0` serve the API only). */
export function slotsOf(flag: string, v: string, min = 1): number {
  const n = Number(v)
  if (!/^\d+$/.test(v) || n < min || n > 1000) throw new UsageError(`${flag} must be an integer from ${min} to 1000, got "${v}"`)
  return n
}

/** `--shutdown-grace` in ms. */
export function graceOf(v: string): number {
  const n = Number(v)
  if (!/^\d+$/.test(v) || n > 3_600_000) throw new UsageError(`--shutdown-grace must be a number of milliseconds up to 3600000, got "${v}"`)
  return n
}

/** Resolves with the first SIGINT or SIGTERM. */
export const untilSignal = () => new Promise<NodeJS.Signals>((resolve) => {
  const on = (s: NodeJS.Signals) => { process.off('SIGINT', on); process.off('SIGTERM', on); resolve(s) }
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
})

/** The process logger at `SWITCHYARD_LOG_LEVEL`; an unknown level is a usage error. */
export async function envLogger(): Promise<Logger> {
  const { createLogger } = await import('../server/logger.js')
  try {
    return createLogger({ level: process.env.SWITCHYARD_LOG_LEVEL })
  } catch (e) {
    throw new UsageError(`SWITCHYARD_LOG_LEVEL: ${(e as Error).message}`)
  }
}

/** The graphs the command serves, the langgraph.json's serve options (empty without one) and the database path. */
export async function projectOf(cmd: Command) {
  const { serveOptionsOf } = await import('../server/project-options.js')
  const globals = cmd.optsWithGlobals<GlobalOpts>()
  const graphs = await graphsOf(globals)
  return { graphs, fromConfig: graphs.project ? serveOptionsOf(graphs.project) : {}, dbPath: dbPathOf(globals) }
}

/** The run queue's logger and its reports of a run failed outside its graph and of a skipped cron firing. */
export const queueReports = (logger: Logger): Pick<RunQueueOptions, 'logger' | 'onError' | 'onCronError'> => ({
  logger,
  onError: (e, run) => logger.error({ err: e, run_id: run.run_id }, 'run failed outside its graph'),
  onCronError: (e, cron) => logger.warn({ cron_id: cron.cron_id, reason: (e as Error).message }, 'cron firing skipped'),
})
