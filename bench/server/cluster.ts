import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { firstLineMatching, spawnTracked, type ServerProcess } from './processes.js'

const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))

/** Where a cluster keeps its runs: a fresh SQLite file in a temp folder, or a Postgres URL (its schema fresh). */
export type ClusterStore = { sqlite: true } | { databaseUrl: string; drop(): Promise<void> }

/**
 * A deployment as the README lays it out, through the package bin (compiled dist/; `npm run build:ts` first):
 * `workers: 'embedded'` is `switchyard serve` alone (API and run slots in one process); a number is
 * `switchyard serve --workers 0` (the API only) plus that many `switchyard worker` processes, all on the same
 * store. Every process logs at info to a discarded stderr, as a deployment logs to a file.
 */
export interface ClusterSpec {
  name: string
  configPath: string
  store: ClusterStore
  workers: 'embedded' | number
  /** Run slots per process that runs runs (`--concurrency`). */
  concurrency: number
  env?: Record<string, string | undefined>
  /** The package bin to run (default this checkout's cli/bin.js): another build, for a before/after. */
  bin?: string
  /** A command the processes run under, e.g. valgrind's (the pid stays the process's own). */
  wrap?: string[]
}

/** A started cluster: its API URL, and the pids whose CPU time is the server's (the API process and every worker). */
export interface Cluster extends ServerProcess { pids: number[] }

/** Starts the processes of `spec` (API first, then the workers, each waited for); stops them all on failure. */
export async function startCluster(spec: ClusterSpec): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-scale-'))
  const where = 'sqlite' in spec.store ? ['--db', join(dir, 'sy.db')] : ['--database-url', spec.store.databaseUrl]
  const env = { ...process.env, SWITCHYARD_FROM_SOURCE: undefined, SWITCHYARD_MODEL: 'offline', ...spec.env }
  const stops: Array<() => Promise<void>> = []
  const pids: number[] = []
  const cleanup = async () => {
    // workers first: the API process has nothing left to serve once they are gone
    for (const stop of stops.reverse()) await stop()
    stops.length = 0
    if (!('sqlite' in spec.store)) await spec.store.drop().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
  const spawnCli = async (args: string[], ready: RegExp) => {
    const argv = [process.execPath, spec.bin ?? BIN, '--config', spec.configPath, ...where, ...args]
    const [cmd, ...rest] = [...(spec.wrap ?? []), ...argv] as [string, ...string[]]
    const { child, stop } = spawnTracked(cmd, rest, { stdio: ['ignore', 'pipe', 'ignore'], env })
    stops.push(stop)
    if (child.pid !== undefined) pids.push(child.pid)
    return (await firstLineMatching(child, ready, spec.wrap ? 600_000 : 90_000))[1]!
  }
  try {
    const slots = spec.workers === 'embedded' ? ['--concurrency', String(spec.concurrency)] : ['--workers', '0']
    const url = await spawnCli(['serve', '--port', '0', ...slots], /serving on (http:\/\/\S+)/)
    const n = spec.workers === 'embedded' ? 0 : spec.workers
    // one at a time: workers starting together on SQLite contend for the write lock while they migrate
    for (let i = 0; i < n; i++) await spawnCli(['worker', '--concurrency', String(spec.concurrency)], /worker (\S+) ready/)
    return { name: spec.name, url, pid: pids[0], pids, stop: cleanup }
  } catch (e) {
    await cleanup()
    throw new Error(`${spec.name} did not start: ${(e as Error).message}`, { cause: e })
  }
}
