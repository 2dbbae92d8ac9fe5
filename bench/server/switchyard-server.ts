import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { firstJsonLine, spawnTracked, type ServerProcess } from './processes.js'

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
