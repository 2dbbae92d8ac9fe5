import type Database from 'better-sqlite3'

/** Tells listeners that another connection (usually another process) committed to the database file. */
export interface CommitWatch {
  /** Calls `fn` after another connection's commits (at most once per interval); returns the unsubscribe. */
  onExternalCommit(fn: () => void): () => void
  stop(): void
}

/**
 * Watches `PRAGMA data_version`, which changes when a connection other than this one commits, by
 * reading it every `intervalMs` (default 50) while anyone listens: a cheap read of a counter, no
 * table touched. Lets a server learn of runs, crons or events written by another process within
 * one interval instead of a slow poll of the tables. The timer does not keep the process alive.
 */
export function watchCommits(sqlite: Database.Database, intervalMs = 50): CommitWatch {
  const listeners = new Set<() => void>()
  let timer: NodeJS.Timeout | undefined
  let version = 0
  const read = () => sqlite.pragma('data_version', { simple: true }) as number
  const tick = () => {
    if (!sqlite.open) return stop()
    const now = read()
    if (now === version) return
    version = now
    for (const fn of [...listeners]) fn()
  }
  function stop() {
    if (timer) clearInterval(timer)
    timer = undefined
  }
  return {
    onExternalCommit(fn) {
      listeners.add(fn)
      if (!timer && sqlite.open) {
        version = read()
        timer = setInterval(tick, intervalMs)
        timer.unref()
      }
      return () => {
        listeners.delete(fn)
        if (listeners.size === 0) stop()
      }
    },
    stop() {
      listeners.clear()
      stop()
    },
  }
}

/** A watch that never fires: a store with no cheap commit counter to poll (Postgres; its wake-ups come from NOTIFY or Redis). */
export function unwatchedCommits(): CommitWatch {
  return { onExternalCommit: () => () => undefined, stop: () => undefined }
}
