import { readFileSync, rmSync, writeFileSync } from 'node:fs'

/**
 * Where `switchyard serve` says it serves a database: a file beside it (`<db>.serve.json`, `{url, pid}`),
 * written when it starts serving, removed when it stops. `run` and `resume` on the same database read it
 * to print the thread's debugger URL. A file whose process is gone (a crash) is ignored.
 */
export const serveFileOf = (dbPath: string): string => `${dbPath}.serve.json`

const isFileDb = (dbPath: string) => dbPath !== ':memory:' && !/^[a-z]+:\/\//i.test(dbPath)

/** Records that this process serves `dbPath` at `url` (with the web debugger); returns the cleanup. */
export function recordServing(dbPath: string, url: string): () => void {
  if (!isFileDb(dbPath)) return () => undefined
  const file = serveFileOf(dbPath)
  try {
    writeFileSync(file, JSON.stringify({ url, pid: process.pid, started_at: new Date().toISOString() }))
  } catch {
    return () => undefined
  }
  return () => {
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }
      if (now.pid === process.pid) rmSync(file, { force: true })
    } catch {
      // gone already, or another server's now
    }
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The debugger URL of `threadId` when a live `switchyard serve` serves `dbPath`; undefined otherwise. */
export function debuggerUrlOf(dbPath: string, threadId: string): string | undefined {
  if (!isFileDb(dbPath)) return undefined
  try {
    const { url, pid } = JSON.parse(readFileSync(serveFileOf(dbPath), 'utf8')) as { url?: unknown; pid?: unknown }
    if (typeof url !== 'string' || typeof pid !== 'number' || !alive(pid)) return undefined
    return `${url.replace(/\/+$/, '')}/ui/threads/${encodeURIComponent(threadId)}`
  } catch {
    return undefined
  }
}
