import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'

/** A server the bench started in a child process. */
export interface ServerProcess {
  name: string
  url: string
  /** The process whose tree serves it (for CPU accounting). */
  pid?: number
  /** Stops the server and everything it spawned; safe to call twice. */
  stop(): Promise<void>
}

// 2024 (the official server's default) and 8123 (ours) are in use on these machines
const RESERVED = new Set([2024, 8123])

/** A free TCP port on 127.0.0.1, found by listening on port 0. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer()
      s.once('error', reject)
      s.listen(0, '127.0.0.1', () => {
        const a = s.address()
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
      })
    })
    if (port && !RESERVED.has(port)) return port
  }
}

/** Children still running, with whether each leads its own process group. */
const live = new Map<ChildProcess, boolean>()
// a crash of the bench must not leave servers behind: kill the ones still running, by their ids
process.once('exit', () => { for (const [c, detached] of live) killTree(c, detached, 'SIGKILL') })
// by default a signal ends node without 'exit' handlers
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130))

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null

/** Signals a child; for a detached child (its own process group) the whole group, so its own children stop too. */
function killTree(child: ChildProcess, detached: boolean, signal: NodeJS.Signals) {
  if (child.pid === undefined) return
  try {
    process.kill(detached ? -child.pid : child.pid, signal)
  } catch {
    // already gone
  }
}

/** Tracks a child so it is killed at exit; `stop` sends SIGTERM, then SIGKILL after `graceMs`. */
function track(child: ChildProcess, detached: boolean, graceMs = 5_000): () => Promise<void> {
  live.set(child, detached)
  child.once('exit', () => { if (!detached) live.delete(child) })
  return async () => {
    if (running(child)) {
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
      killTree(child, detached, 'SIGTERM')
      const timer = setTimeout(() => killTree(child, detached, 'SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
    // a group may outlive its leader: make sure nothing of it stays
    if (detached) killTree(child, detached, 'SIGKILL')
    live.delete(child)
  }
}

/** Resolves with the first stdout line of a child that parses as JSON; rejects if it exits or times out first. */
export function firstJsonLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs)
    const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`exited with ${code} before it was ready`)) }
    child.once('exit', onExit)
    if (!child.stdout) return reject(new Error('child has no stdout pipe'))
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const v = JSON.parse(line) as T
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(v)
      } catch {
        // not the ready line
      }
    })
  })
}

/** Resolves with the match of the first stdout line of a child that matches `re`; rejects if it exits or times out first. */
export function firstLineMatching(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms`)), timeoutMs)
    const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`exited with ${code} before it was ready`)) }
    child.once('exit', onExit)
    if (!child.stdout) return reject(new Error('child has no stdout pipe'))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(re)
      if (!m) return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve(m)
    })
  })
}

/** Polls `url` until it answers 2xx; rejects when `child` exits first or after `timeoutMs`. */
export async function waitForOk(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`exited with ${child.exitCode ?? child.signalCode} before ${url} answered`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

/** Spawns a child and tracks it (see `track`). */
export function spawnTracked(cmd: string, args: string[], opts: Parameters<typeof spawn>[2] & { detached?: boolean }) {
  const child = spawn(cmd, args, opts)
  return { child, stop: track(child, opts.detached ?? false) }
}
