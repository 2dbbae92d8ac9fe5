import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Client } from '@langchain/langgraph-sdk'

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

/** Kills a child process with SIGKILL (no chance to clean up, as a crash) and resolves once it has closed. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const closed = new Promise<void>((r) => child.once('close', () => r()))
  child.kill('SIGKILL')
  return closed
}

/** mulberry32: a small seeded PRNG, so that a failing kill schedule replays with the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A client error that a killed or restarting server (or a loopback connection dropped under load) causes. */
export const isTransient = (e: unknown) => /fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated|other side closed|aborted|network|Unable to connect/i
  .test(`${String(e)} ${String((e as { cause?: unknown }).cause ?? '')}`)

/**
 * A YAML workflow of shell steps in a chain, each a counted side effect: it appends `start <tag> <unit>` to the
 * run's log file, sleeps, then appends `end <tag> <unit>` (`inputs.tag` names the run, `inputs.log` the file).
 * A step with `forEach` runs once per item, one at a time, as the unit `<id>-<item>`.
 */
export function sideEffectWorkflow(name: string, steps: { id: string; sleep: number; forEach?: number[] }[]): string {
  const side = (unit: string, s: number) => `"echo start {{ inputs.tag }} ${unit} >> {{ inputs.log }}; sleep ${s}; echo end {{ inputs.tag }} ${unit} >> {{ inputs.log }}"`
  const body = steps.map((st, i) => [
    `  - id: ${st.id}`,
    '    type: shell',
    ...(i > 0 ? [`    needs: ${steps[i - 1]!.id}`] : []),
    ...(st.forEach ? [`    for_each: [${st.forEach.join(', ')}]`, '    max_parallel: 1'] : []),
    `    with: { shell: true, run: ${side(st.forEach ? `${st.id}-{{ item }}` : st.id, st.sleep)} }`,
  ].join('\n'))
  return `name: ${name}\ninputs:\n  tag: { type: string, required: true }\n  log: { type: string, required: true }\nsteps:\n${body.join('\n')}\n`
}

/** The side-effect log a {@link sideEffectWorkflow} writes: its lines so far, and the units a run started, in order. */
export function sideEffectLog(path: string) {
  const lines = () => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [])
  return { path, lines, starts: (tag: string) => lines().filter((l) => l.startsWith(`start ${tag} `)).map((l) => l.split(' ')[2]!) }
}

/**
 * The units of a side-effect log that started more than once, each with whether a kill fell between its first start
 * and this one (`marks`: the log's length at each kill). `units` counts the distinct units that ran.
 */
export function repeatedStarts(lines: string[], marks: number[]) {
  const firsts = new Map<string, number>()
  const repeats: { tag: string; unit: string; acrossKill: boolean }[] = []
  lines.forEach((l, i) => {
    const [w, tag, unit] = l.split(' ')
    if (w !== 'start') return
    const key = `${tag} ${unit}`
    const first = firsts.get(key)
    if (first === undefined) firsts.set(key, i)
    else repeats.push({ tag: tag!, unit: unit!, acrossKill: marks.some((m) => first < m && m <= i) })
  })
  return { units: firsts.size, repeats }
}

/** Every event of a run's stream from after `lastEventId` ('-1': all) to its end. */
export async function readRunStream(client: Client, threadId: string, runId: string, lastEventId = '-1'): Promise<StreamEvent[]> {
  const out: StreamEvent[] = []
  for await (const e of client.runs.joinStream(threadId, runId, { lastEventId }) as AsyncIterable<StreamEvent>) out.push(e)
  return out
}

/** A run stream's event as the SDK yields it, with the SSE id. */
export type StreamEvent = { id?: string; event: string; data: unknown }
