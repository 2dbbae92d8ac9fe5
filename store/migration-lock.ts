import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { AppError } from './app-error.js'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Names of the migrations `sqlite` has not applied yet (all of them on a new file). */
export function pendingMigrations(sqlite: Database.Database, names: readonly string[]): string[] {
  try {
    const done = new Set((sqlite.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name))
    return names.filter((n) => !done.has(n))
  } catch {
    return [...names]
  }
}

/** Whether the lock file was left by a process that is gone (or never got to write its pid). */
function stale(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'))
    if (Number.isInteger(pid) && pid > 0) return pid !== process.pid && !alive(pid)
    return Date.now() - statSync(lockPath).mtimeMs > 10_000
  } catch {
    return false // gone meanwhile: the next attempt takes it
  }
}

/**
 * Runs `fn` holding `<db file>.migrate-lock`, a file created exclusively (O_EXCL) with this process's pid:
 * SQLite gives kysely's migrator no lock (its SQLite adapter's is a no-op), so two processes opening a new
 * database at once would both create the same tables. A lock left by a dead process is taken over;
 * others wait, up to `timeoutMs`.
 */
export async function withMigrationLock<T>(dbPath: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const lockPath = `${dbPath}.migrate-lock`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      if (stale(lockPath)) {
        try { unlinkSync(lockPath) } catch { /* another waiter removed it first */ }
        continue
      }
      if (Date.now() > deadline) throw new AppError('CONFLICT', `another process is migrating ${dbPath} (lock ${lockPath}); try again, or remove the lock if no switchyard process runs`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
  try {
    return await fn()
  } finally {
    try { unlinkSync(lockPath) } catch { /* already gone */ }
  }
}
