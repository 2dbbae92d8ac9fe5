import type { Command } from 'commander'
import { envLogger, graceOf, projectOf, queueReports, slotsOf, untilSignal } from './process-setup.js'
import type { Out } from './render.js'

interface WorkerFlags { concurrency: string; shutdownGrace: string }

/**
 * `switchyard worker`: claims and executes runs (and fires crons) from the shared database, no HTTP,
 * until SIGINT or SIGTERM; API processes (`switchyard serve --workers 0`) queue the runs. Any number of
 * workers may run at once: each claim is a lease its heartbeat renews, and a dead worker's runs are
 * taken over and continue from their last checkpoint.
 */
export function registerWorkerCommand(program: Command, out: Out) {
  program.command('worker').description('claim and execute runs from the shared database (no HTTP); pair with `serve --workers 0`')
    .option('--concurrency <n>', 'runs executed at once by this process', '10')
    .option('--shutdown-grace <ms>', 'on SIGTERM/SIGINT, how long runs in progress may finish before they are put back in the queue', '10000')
    .action(async (o: WorkerFlags, cmd: Command) => {
      const [{ startRunQueue }, { openRuntime }, { ensureGraphAssistants }] = await Promise.all([
        import('../runtime/run-queue.js'), import('../runtime/runtime.js'), import('../runtime/graph-assistants.js'),
      ])
      const concurrency = slotsOf('--concurrency', o.concurrency)
      const graceMs = graceOf(o.shutdownGrace)
      const logger = await envLogger()
      const { graphs, fromConfig, dbPath } = await projectOf(cmd)
      const rt = await openRuntime({ dbPath, registry: graphs, threadTtlMinutes: fromConfig.threadTtlMinutes, storeIndexFields: fromConfig.storeIndexFields })
      try {
        // runs name assistants; a worker started first registers the graphs' default assistants as serve does
        await ensureGraphAssistants(rt)
        const queue = await startRunQueue(rt, { concurrency, ...queueReports(logger) })
        out.write(`switchyard: worker ${rt.leases.claimant.workerId} ready (database ${rt.store.path}; ${concurrency} run slots; lease ${rt.leases.claimant.leaseMs} ms; graphs ${graphs.registry.names().join(', ')}; model ${rt.model.label})\n`)
        // a worker serves no socket: its timers are unref'd, so this one holds the process until a signal
        const alive = setInterval(() => undefined, 1 << 30)
        const signal = await untilSignal()
        clearInterval(alive)
        out.write(`switchyard: ${signal}, stopping\n`)
        await queue.stop({ graceMs })
      } finally {
        await rt.close()
        logger.flush()
      }
    })
}
