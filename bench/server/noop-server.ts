import { fileURLToPath } from 'node:url'
import { firstJsonLine, spawnTracked, type ServerProcess } from './processes.js'

const SERVE = fileURLToPath(new URL('./noop-serve.ts', import.meta.url))

/** Starts bench/server/noop-serve.ts (a server that does no work) in a child process. */
export async function startNoopServer(): Promise<ServerProcess> {
  const { child, stop } = spawnTracked(process.execPath, ['--import', 'tsx', SERVE], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const ready = await firstJsonLine<{ url: string }>(child, 30_000)
    return { name: 'no-op server', url: ready.url, pid: child.pid, stop }
  } catch (e) {
    await stop()
    throw new Error(`the no-op server did not start: ${(e as Error).message}`, { cause: e })
  }
}
