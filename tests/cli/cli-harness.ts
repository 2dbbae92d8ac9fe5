import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'cli/bin.js')

export interface CliResult { code: number | null; stdout: string; stderr: string; events: Record<string, unknown>[] }

/** A clean environment: no model configured unless a test sets one, so the offline model answers. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'SWITCHYARD_MODEL', 'SWITCHYARD_DB']) if (!(k in extra)) delete env[k]
  return env
}

/** Starts `switchyard ...` as a child process (the package bin, as users run it). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
}

/**
 * Starts `switchyard ... serve` (args before `serve` go first, e.g. `--db`; `serveArgs` after it) on a free port; `url`
 * resolves with the address it prints, or rejects if it exits first.
 */
export function spawnServe(args: string[], env: Record<string, string> = {}, serveArgs: string[] = []): { child: ChildProcess; url: Promise<string> } {
  const child = spawnCli([...args, 'serve', '--port', '0', ...serveArgs], env)
  const url = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /serving on (http:\/\/[\d.:]+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)))
  })
  return { child, url }
}

/** Starts `switchyard ... worker` (args before `worker` go first); `ready` resolves with its worker id once it claims runs. */
export function spawnWorker(args: string[], env: Record<string, string> = {}, workerArgs: string[] = []): { child: ChildProcess; ready: Promise<string> } {
  const child = spawnCli([...args, 'worker', ...workerArgs], env)
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /worker (\S+) ready/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
    child.once('exit', (code, sig) => reject(new Error(`worker exited with ${code ?? sig}: ${out}`)))
  })
  return { child, ready }
}

const parseLines = (s: string) =>
  s.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)

/** Runs `switchyard ...` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawnCli(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  return new Promise((ok, fail) => {
    child.once('error', fail)
    child.once('close', (code) => ok({ code, stdout, stderr, events: args.includes('--json') ? parseLines(stdout) : [] }))
  })
}

/** The last NDJSON line of a `--json` run. */
export const resultOf = (r: CliResult) => {
  const last = r.events.at(-1)
  if (!last || last.type !== 'result') throw new Error(`no result line (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  return last as { type: 'result'; status: string; thread_id: string; run_id: string; checkpoint_id: string; next: string[]; output: Record<string, unknown>; interrupts: { id: string; node: string; value: Record<string, unknown> }[] }
}

/** A temp folder with a database path inside, removed by `cleanup`. */
export function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cli-'))
  return { dir, db: join(dir, 'sy.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Stops a child process (a `switchyard serve`) with SIGTERM and resolves with its exit code once it has exited. */
export function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  child.kill('SIGTERM')
  return exited
}
