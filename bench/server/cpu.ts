import { readdirSync, readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ is 100 on Linux

interface Stat { pid: number; ppid: number; ms: number }

function stat(pid: string): Stat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces: fields after its closing parenthesis
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    return { pid: Number(pid), ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * TICK_MS }
  } catch {
    return undefined
  }
}

/**
 * CPU time (user + system, ms) used so far by a process and all its descendants alive now, read from
 * /proc; undefined where there is no /proc. The official dev server runs its API in a child process,
 * so a server's cost is its whole tree.
 */
export function treeCpuMs(root: number): number | undefined {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  } catch {
    return undefined
  }
  const all = pids.map(stat).filter((s): s is Stat => s !== undefined)
  const kids = new Map<number, Stat[]>()
  for (const s of all) (kids.get(s.ppid) ?? kids.set(s.ppid, []).get(s.ppid)!).push(s)
  const top = all.find((s) => s.pid === root)
  if (!top) return undefined
  let ms = 0
  const queue = [top]
  for (let s = queue.pop(); s; s = queue.pop()) {
    ms += s.ms
    queue.push(...(kids.get(s.pid) ?? []))
  }
  return ms
}

/** CPU time (ms) this process has used so far. */
export function ownCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1_000
}
