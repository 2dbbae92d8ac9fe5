/**
 * The Switchyard side of `npm run bench:server`, run as its own process (as a deployment would):
 * a runtime on a fresh SQLite file with the built-in graphs plus those of a langgraph.json, 50 run
 * workers, and the Platform API with the runs routes on 127.0.0.1 and a free port.
 *
 *   tsx bench/server/switchyard-serve.ts --config bench/langgraph.json --db /tmp/x/sy.db
 *
 * Prints one JSON line `{"url": ...}` on stdout when it is ready; SIGTERM or SIGINT stops it cleanly.
 */
import { parseArgs } from 'node:util'
import { registryWithConfig } from '../../graphs/langgraph-config.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { openRuntime } from '../../runtime/runtime.js'
import { startServer } from '../../server/serve.js'

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    db: { type: 'string' },
    port: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '50' },
  },
})
if (!values.config || !values.db) {
  console.error('usage: switchyard-serve.ts --config langgraph.json --db FILE [--port N] [--concurrency N]')
  process.exit(2)
}

const rt = await openRuntime({
  dbPath: values.db,
  env: { ...process.env, SWITCHYARD_MODEL: 'offline' },
  registry: await registryWithConfig(values.config),
})
const queue = await startRunQueue(rt, { concurrency: Number(values.concurrency), onError: (e) => console.error(e) })
const srv = await startServer({ rt, port: Number(values.port), routes: [runsRoutes] })
console.log(JSON.stringify({ url: srv.url, graphs: rt.registry.names() }))

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await srv.close()
  await queue.stop()
  await rt.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
