import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** The test Redis (SWITCHYARD_TEST_REDIS_URL, default redis://127.0.0.1:6379). */
export const TEST_REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function answers(url: string): Promise<boolean> {
  const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3_000 })
  c.on('error', () => undefined)
  try {
    await c.connect()
    return (await c.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    c.disconnect()
  }
}

let found: Promise<string | undefined> | undefined
/** The test Redis URL, or undefined when none answers; under CI=1 a Redis that does not answer is an error (as Postgres). */
export function testRedisUrl(): Promise<string | undefined> {
  found ??= (async () => {
    if (await answers(TEST_REDIS_URL)) return TEST_REDIS_URL
    if (process.env.CI) throw new Error(`CI=1: no Redis answers at ${TEST_REDIS_URL} (start it: redis-server --daemonize yes --port 6379 --save "")`)
    return undefined
  })()
  return found
}

/** A channel prefix of this test file's own: files running at once on one Redis do not hear each other. */
export const uniquePrefix = (tag: string) => `sy-test:${tag}:${process.pid}:${randomBytes(3).toString('hex')}:`

/** A TCP port nobody listens on now (asked of the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** A redis-server of the test's own on `port` (no persistence), to kill and start again; resolves once it answers. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const url = `redis://127.0.0.1:${port}`
  for (const end = Date.now() + 30_000; !(await answers(url));) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`)
    if (Date.now() > end) throw new Error(`redis-server on ${port} did not answer`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return child
}

/** SIGKILLs a redis-server and waits for it to be gone. */
export async function killRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await gone
}
