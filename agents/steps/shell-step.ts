import { homedir } from 'node:os'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { runProcess } from './child-process.js'
import { Duration, cancelled, effectiveTimeoutMs, tail } from './step-context.js'
import type { StepContext } from './step-context.js'
import { resolveWorkspacePath, workspaceRoot } from './workspace-path.js'

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
export const DEFAULT_MAX_OUTPUT_BYTES = 1_048_576
const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** `with` of a `shell` step. */
export const ShellParams = z
  .strictObject({
    run: z.union([z.array(z.string()).min(1), z.string().min(1)])
      .describe('argv array (program first); a string only with shell: true'),
    shell: z.boolean().default(false).describe('run through /bin/sh -c; off by default'),
    cwd: z.string().optional().describe('working directory, relative to the workspace'),
    env: z.union([z.array(EnvName), z.record(EnvName, z.string())]).optional()
      .describe('names passed through from the workflow/process env, or explicit values'),
    timeout: Duration.optional(),
    max_output_bytes: z.int().positive().default(DEFAULT_MAX_OUTPUT_BYTES).describe('cap per stream'),
    stdin: z.string().optional(),
    allow_failure: z.boolean().default(false).describe('return the outputs of a non-zero exit instead of failing'),
  })
  .refine((p) => p.shell || Array.isArray(p.run), {
    message: 'run must be an argv array unless shell: true',
    path: ['run'],
  })
export type ShellParams = z.output<typeof ShellParams>

export interface ShellOutputs {
  exit_code: number
  stdout: string
  stderr: string
  truncated: boolean
  duration_ms: number
  timed_out: boolean
}

/**
 * The child's whole environment: PATH, HOME and LANG (from the workflow env, else the process,
 * else safe defaults), then allowlisted names (workflow env first, then the process env; absent
 * names are skipped), or explicit values. Never the rest of `process.env`: no secrets leak by default.
 */
export function childEnv(spec: ShellParams['env'], ctx: StepContext): Record<string, string> {
  const pick = (name: string) => ctx.env[name] ?? process.env[name]
  const env: Record<string, string> = {
    PATH: pick('PATH') ?? FALLBACK_PATH,
    HOME: pick('HOME') ?? homedir(),
    LANG: pick('LANG') ?? 'C.UTF-8',
  }
  if (Array.isArray(spec)) {
    for (const name of spec) {
      const value = pick(name)
      if (value !== undefined) env[name] = value
    }
  } else if (spec) Object.assign(env, spec)
  return env
}

/**
 * The program and its arguments. An argv array is spawned as is, so a templated element such as
 * `x; rm -rf ~` reaches the program as one literal argument. With `shell: true` a string runs as
 * `/bin/sh -c <string>`; an array runs its first item as the script and passes the rest as the
 * positional parameters `$1`, `$2`, … (the safe way to hand values to a script).
 */
export function argvOf(p: Pick<ShellParams, 'run' | 'shell'>): [string, string[]] {
  if (p.shell) {
    const [script, ...rest] = typeof p.run === 'string' ? [p.run] : p.run
    return ['/bin/sh', ['-c', script ?? '', ...(rest.length ? ['sh', ...rest] : [])]]
  }
  if (typeof p.run === 'string') throw new AppError('VALIDATION', 'run must be an argv array unless shell: true')
  const [command, ...args] = p.run
  return [command ?? '', args]
}

/**
 * Runs a `shell` step. A non-zero exit, a timeout or a failure to start throws `INTERNAL` with
 * `exit_code`, `timed_out` and the stderr tail in details, unless `allow_failure` (then the outputs
 * are returned); an aborted `ctx.signal` always throws `CANCELLED`.
 *
 * @example
 * await runShellStep(ShellParams.parse({ run: ['npx', 'tsc', '--noEmit'], timeout: '5m' }), ctx)
 */
export async function runShellStep(p: ShellParams, ctx: StepContext): Promise<ShellOutputs> {
  const [command, args] = argvOf(p)
  const cwd = p.cwd === undefined ? await workspaceRoot(ctx.workspace) : await resolveWorkspacePath(ctx.workspace, p.cwd)
  const r = await runProcess({
    command, args, cwd,
    env: childEnv(p.env, ctx),
    stdin: p.stdin,
    timeoutMs: effectiveTimeoutMs(p.timeout, ctx),
    maxOutputBytes: p.max_output_bytes,
    signal: ctx.signal,
  })
  if (r.cancelled) throw cancelled('shell')
  const outputs: ShellOutputs = {
    exit_code: r.exit_code, stdout: r.stdout, stderr: r.stderr,
    truncated: r.truncated, duration_ms: r.duration_ms, timed_out: r.timed_out,
  }
  if ((r.exit_code === 0 && !r.timed_out) || p.allow_failure) return outputs
  const why = r.timed_out ? `timed out after ${r.duration_ms} ms` : `exited with code ${r.exit_code}`
  throw new AppError('INTERNAL', `${command} ${why}`, {
    details: {
      step: 'shell', command, exit_code: r.exit_code, signal: r.signal, timed_out: r.timed_out,
      duration_ms: r.duration_ms, stderr_tail: tail(r.stderr), stdout_tail: tail(r.stdout, 500),
    },
  })
}
