import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { Readable } from 'node:stream'
import { AppError } from '../../store/app-error.js'

/** What {@link runProcess} starts: a program and its argv, never a command line. */
export interface ProcessSpec {
  command: string
  args: string[]
  cwd: string
  /** The complete child environment; nothing of `process.env` is added. */
  env: Record<string, string>
  stdin?: string
  timeoutMs?: number
  /** Cap per stream; bytes beyond it are read and dropped. */
  maxOutputBytes: number
  signal?: AbortSignal
  /** Time between SIGTERM and SIGKILL when the group is stopped (default 2 s). */
  killGraceMs?: number
}

export interface ProcessResult {
  /** The exit code, or 128 + the signal number when a signal ended it (the shell convention). */
  exit_code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  truncated: boolean
  duration_ms: number
  timed_out: boolean
  cancelled: boolean
}

function capture(stream: Readable, cap: number) {
  const chunks: Buffer[] = []
  let kept = 0
  let total = 0
  stream.on('data', (b: Buffer) => {
    total += b.length
    if (kept >= cap) return
    const part = b.subarray(0, cap - kept)
    chunks.push(part)
    kept += part.length
  })
  return { text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => total > cap }
}

/**
 * Spawns `command` with `args` (no shell involved) in a new process group and waits until it has
 * exited and its output pipes have closed. On timeout or `signal` abort the whole group gets
 * SIGTERM, then SIGKILL after the grace period. When the program exits on its own, leftover
 * background processes of its group are stopped the same way: a step's processes never outlive it.
 * Rejects only when the program cannot be started (`INTERNAL`, with the errno in details).
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const started = performance.now()
  const grace = spec.killGraceMs ?? 2_000
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out = capture(child.stdout, spec.maxOutputBytes)
    const err = capture(child.stderr, spec.maxOutputBytes)
    let timedOut = false
    let cancelled = false
    let killTimer: NodeJS.Timeout | undefined
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, sig)
      } catch {
        // ESRCH: the group is already gone
      }
    }
    const stop = () => {
      if (killTimer) return
      killGroup('SIGTERM')
      killTimer = setTimeout(() => killGroup('SIGKILL'), grace)
    }
    const timer = spec.timeoutMs
      ? setTimeout(() => ((timedOut = true), stop()), spec.timeoutMs)
      : undefined
    const onAbort = () => ((cancelled = true), stop())
    if (spec.signal?.aborted) onAbort()
    else spec.signal?.addEventListener('abort', onAbort, { once: true })
    const cleanup = () => {
      clearTimeout(timer)
      clearTimeout(killTimer)
      spec.signal?.removeEventListener('abort', onAbort)
    }

    child.stdin.on('error', () => {}) // EPIPE when the program exits without reading stdin
    child.stdin.end(spec.stdin ?? '')
    child.once('error', (cause) => {
      cleanup()
      const code = (cause as NodeJS.ErrnoException).code
      reject(new AppError('INTERNAL', `cannot start ${spec.command}: ${cause.message}`, {
        cause,
        details: { command: spec.command, errno: code },
      }))
    })
    child.once('exit', () => {
      clearTimeout(timer) // the program finished in time; leftovers are stopped, not a timeout
      stop()
    })
    child.once('close', (code, signal) => {
      killGroup('SIGKILL')
      cleanup()
      resolve({
        exit_code: code ?? 128 + (signal ? constants.signals[signal] : 0),
        signal,
        stdout: out.text(),
        stderr: err.text(),
        truncated: out.truncated() || err.truncated(),
        duration_ms: Math.round(performance.now() - started),
        timed_out: timedOut,
        cancelled,
      })
    })
  })
}
