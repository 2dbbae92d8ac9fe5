/**
 * Whether the process that claimed a run still exists (signal 0 probes without signalling).
 * EPERM means it exists but belongs to someone else. A recycled pid reads as alive: the run then
 * waits for an operator instead of being run twice.
 */
export function isProcessAlive(pid: number | null): boolean {
  if (!pid) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
