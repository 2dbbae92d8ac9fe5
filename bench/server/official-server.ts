import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { freePort, spawnTracked, waitForOk, type ServerProcess } from './processes.js'

/** Installs the official server in its own folder (bench/peer) when its node_modules is missing. */
export function ensurePeerInstalled(peerDir: string): void {
  if (existsSync(join(peerDir, 'node_modules', '.bin', 'langgraphjs'))) return
  console.error(`installing the official server in ${peerDir} (once) ...`)
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: peerDir, stdio: ['ignore', 'inherit', 'inherit'] })
}

/**
 * Copies a langgraph.json into a temp folder with absolute graph paths and a node_modules link to the
 * peer's: the dev server resolves `@langchain/langgraph` from the config's folder, and writes its
 * `.langgraph_api` state and a `.gitignore` there, which must not land in the repository.
 */
function stageConfig(configPath: string, peerDir: string): { dir: string; config: string } {
  const cfg = JSON.parse(readFileSync(configPath, 'utf8')) as { graphs: Record<string, string> }
  const base = dirname(resolve(configPath))
  const graphs = Object.fromEntries(Object.entries(cfg.graphs).map(([name, spec]) => {
    const cut = spec.lastIndexOf(':')
    const file = spec.slice(0, cut)
    return [name, `${isAbsolute(file) ? file : resolve(base, file)}${spec.slice(cut)}`]
  }))
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-official-'))
  symlinkSync(join(resolve(peerDir), 'node_modules'), join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, '.gitignore'), '.langgraph_api\n')
  writeFileSync(join(dir, 'langgraph.json'), JSON.stringify({ ...cfg, graphs }, null, 2))
  return { dir, config: join(dir, 'langgraph.json') }
}

/**
 * Starts `langgraphjs dev` (the official in-memory dev server) on a free port with the graphs of
 * `configPath`, in its own process group so that stopping it also stops the API worker it spawns.
 * Its log goes to a file; the tail is printed if it fails to start.
 */
export async function startOfficialServer(opts: { configPath: string; peerDir: string; startTimeoutMs?: number }): Promise<ServerProcess> {
  ensurePeerInstalled(opts.peerDir)
  const staged = stageConfig(opts.configPath, opts.peerDir)
  const port = await freePort()
  const log = join(staged.dir, 'server.log')
  const fd = openSync(log, 'a')
  const bin = join(resolve(opts.peerDir), 'node_modules', '.bin', 'langgraphjs')
  const { child, stop } = spawnTracked(bin, ['dev', '--host', '127.0.0.1', '--port', String(port), '--no-browser', '--no-reload', '--config', staged.config], {
    cwd: opts.peerDir,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: '1', BROWSER: 'none' },
  })
  closeSync(fd)
  const url = `http://127.0.0.1:${port}`
  const cleanup = async () => { await stop(); rmSync(staged.dir, { recursive: true, force: true }) }
  try {
    await waitForOk(`${url}/ok`, child, opts.startTimeoutMs ?? 120_000)
  } catch (e) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : ''
    await cleanup()
    throw new Error(`the official server did not start: ${(e as Error).message}\n${tail}`, { cause: e })
  }
  return { name: 'official dev server', url, pid: child.pid, stop: cleanup }
}
