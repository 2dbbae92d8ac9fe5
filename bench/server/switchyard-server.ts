import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { firstJsonLine, firstLineMatching, spawnTracked, type ServerProcess } from './processes.js'

const SERVE = fileURLToPath(new URL('./switchyard-serve.ts', import.meta.url))

/**
 * Starts bench/server/switchyard-serve.ts in a child process (under tsx) on a fresh SQLite file in a
 * temp folder, with the graphs of `configPath`; the folder is removed on stop.
 */
export async function startSwitchyardServer(opts: { configPath: string; concurrency?: number }): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-server-'))
  const args = ['--import', 'tsx', SERVE, '--config', resolve(opts.configPath), '--db', join(dir, 'sy.db'), '--concurrency', String(opts.concurrency ?? 50)]
  const { child, stop } = spawnTracked(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const cleanup = async () => { await stop(); rmSync(dir, { recursive: true, force: true }) }
  try {
    const ready = await firstJsonLine<{ url: string }>(child, 60_000)
    return { name: 'Switchyard', url: ready.url, pid: child.pid, stop: cleanup }
  } catch (e) {
    await cleanup()
    throw new Error(`Switchyard did not start: ${(e as Error).message}`, { cause: e })
  }
}

/**
 * A user's project as `npm create langgraph` lays it out, in `into`: the config's graph files copied to
 * `src/` beside it, a `"type": "module"` package.json, and `node_modules` linked to `depsDir`'s (the
 * bench's peer folder), so the graphs import their own copy of @langchain/langgraph, not Switchyard's.
 */
export function stageUserProject(configPath: string, depsDir: string, into: string): string {
  const from = dirname(resolve(configPath))
  const cfg = JSON.parse(readFileSync(configPath, 'utf8')) as { graphs: Record<string, string> }
  const src = join(into, 'src')
  mkdirSync(src)
  const graphDirs = new Set(Object.values(cfg.graphs).map((spec) => dirname(resolve(from, spec.slice(0, spec.lastIndexOf(':'))))))
  for (const d of graphDirs) for (const f of readdirSync(d)) if (f.endsWith('.ts')) copyFileSync(join(d, f), join(src, f))
  const graphs = Object.fromEntries(Object.entries(cfg.graphs).map(([name, spec]) => {
    const cut = spec.lastIndexOf(':')
    return [name, `./src/${spec.slice(0, cut).split('/').pop()}${spec.slice(cut)}`]
  }))
  symlinkSync(join(resolve(depsDir), 'node_modules'), join(into, 'node_modules'), 'dir')
  writeFileSync(join(into, 'package.json'), JSON.stringify({ name: 'bench-user-project', private: true, type: 'module' }))
  const file = join(into, 'langgraph.json')
  writeFileSync(file, JSON.stringify({ ...cfg, graphs }, null, 2))
  return file
}

const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))

/**
 * Starts the path users take: `switchyard serve --config langgraph.json` (the package bin, running the
 * compiled dist/; `npm run build:ts` first) on a fresh SQLite file, with its defaults (logs at info on
 * stderr, which go to /dev/null here as they would to a file) unless `args` adds flags.
 */
export async function startSwitchyardCli(opts: { configPath: string; args?: string[]; name?: string; project?: string }): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cli-'))
  const config = opts.project ? stageUserProject(opts.configPath, opts.project, dir) : resolve(opts.configPath)
  const args = [BIN, '--config', config, '--db', join(dir, 'sy.db'), 'serve', '--port', '0', ...(opts.args ?? [])]
  const { child, stop } = spawnTracked(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, SWITCHYARD_FROM_SOURCE: undefined } })
  const cleanup = async () => { await stop(); rmSync(dir, { recursive: true, force: true }) }
  try {
    const url = (await firstLineMatching(child, /serving on (http:\/\/\S+)/, 60_000))[1]!
    return { name: opts.name ?? 'switchyard serve --config', url, pid: child.pid, stop: cleanup }
  } catch (e) {
    await cleanup()
    throw new Error(`switchyard serve did not start: ${(e as Error).message}`, { cause: e })
  }
}
