import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../store/app-error.js'
import { recordServing } from './debugger-url.js'
import { UsageError } from './exit-codes.js'
import { envLogger, graceOf, projectOf, queueReports, slotsOf, untilSignal } from './process-setup.js'
import type { Out } from './render.js'

interface ServeFlags { port: string; host: string; cors?: string; concurrency: string; workers?: string; shutdownGrace: string; metrics?: boolean }

const portOf = (v: string) => {
  const n = Number(v)
  if (!/^\d+$/.test(v) || n > 65_535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${v}"`)
  return n
}

/** `switchyard serve`: the LangGraph Platform API (with runs and their workers) until SIGINT or SIGTERM. */
export function registerServeCommand(program: Command, out: Out) {
  program.command('serve').description('serve the LangGraph Platform API (the official SDK Client works against it)')
    .option('--port <n>', 'port (0 picks a free one)', '8123')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--cors <origins>', 'comma-separated origins allowed by CORS ("*" for any); off by default')
    .option('--config <path>', 'a langgraph.json: serve exactly its graphs, with its env, auth, http and store settings')
    .option('--builtins', 'with --config, serve the built-in graphs and YAML workflows beside its graphs (a config graph wins a shared name)')
    .option('--concurrency <n>', 'runs executed at once by this process', '10')
    .option('--workers <n>', 'run slots in this process, as --concurrency; 0 serves the API only (runs go to `switchyard worker` processes)')
    .option('--metrics', 'serve Prometheus metrics at GET /metrics (behind the API keys when they are set)')
    .option('--shutdown-grace <ms>', 'on SIGTERM/SIGINT, how long runs in progress may finish before they are put back in the queue', '10000')
    .action(async (o: ServeFlags, cmd: Command) => {
      // the server is imported when it is served, not when the CLI starts (`switchyard --help` loads none of it)
      const [{ startRunQueue }, { cronsRoutes }, { protocolRoutes }, { ragRoutes }, { runsRoutes }, { workflowsRoutes }, { parseApiKeys }, { startServer }, { WEB_DIST_DIR }] = await Promise.all([
        import('../runtime/run-queue.js'), import('../server/routes/crons-routes.js'), import('../server/routes/protocol-routes.js'),
        import('../server/routes/rag-routes.js'), import('../server/routes/runs-routes.js'), import('../server/routes/workflows-routes.js'),
        import('../server/auth.js'), import('../server/serve.js'), import('../server/web-static.js'),
      ])
      const port = portOf(o.port)
      const concurrency = o.workers !== undefined ? slotsOf('--workers', o.workers, 0) : slotsOf('--concurrency', o.concurrency)
      const graceMs = graceOf(o.shutdownGrace)
      const logger = await envLogger()
      const { graphs, fromConfig, dbPath } = await projectOf(cmd)
      const { registry } = graphs
      const apiKeys = parseApiKeys(process.env.SWITCHYARD_API_KEYS)
      if (apiKeys && fromConfig.customAuth) throw new UsageError(`${graphs.project!.file}: auth.path: custom auth replaces SWITCHYARD_API_KEYS; unset one of them`)
      const corsOrigins = o.cors?.split(',').map((s) => s.trim()).filter(Boolean)
      const srv = await startServer({ ...fromConfig, host: o.host, port, dbPath, corsOrigins, registry: graphs, apiKeys, logger, metrics: o.metrics === true, webDir: WEB_DIST_DIR, logError: (e) => logger.error({ err: e.cause ?? e }, 'internal error'), routes: [runsRoutes, cronsRoutes, workflowsRoutes, protocolRoutes, ragRoutes] }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new AppError('CONFLICT', `${o.host}:${port} is already in use`)
        throw e
      })
      const queue = concurrency === 0 ? undefined : await startRunQueue(srv.rt, { concurrency, metrics: srv.metrics, ...queueReports(logger) })
      const webBuilt = existsSync(join(WEB_DIST_DIR, 'index.html'))
      // `run` / `resume` on this database print the thread's debugger URL while this server serves it
      const unrecord = webBuilt ? recordServing(dbPath, srv.url) : () => undefined
      out.write(`switchyard: serving on ${srv.url} (database ${srv.rt.store.path}; ${queue ? `${concurrency} run slots` : 'API only, runs go to workers'}; ${fromConfig.customAuth ? 'custom auth' : apiKeys ? `${apiKeys.size} API keys` : 'open, no API keys'}; graphs ${registry.names().join(', ')}; model ${srv.rt.model.label})\n`)
      out.write(webBuilt ? `switchyard: web debugger at ${srv.url}/ui/\n` : 'switchyard: the web debugger is not built (run `npm run build:web`)\n')
      const signal = await untilSignal()
      unrecord()
      out.write(`switchyard: ${signal}, stopping\n`)
      await queue?.stop({ graceMs })
      await srv.close()
      logger.flush()
    })
}
