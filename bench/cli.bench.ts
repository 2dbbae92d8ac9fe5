/**
 * CLI start-up benchmark: wall time of whole `switchyard` processes, side by side with the floors.
 *
 *   npm run bench:cli            # BENCH_RUNS=11 rounds by default
 *
 * Each round runs every subject once (interleaved, so a burst of load on this shared machine hits all of
 * them alike); the table gives the median and the minimum, and the median's ratio to the floor
 * `node -e "await import('@langchain/langgraph')"` (a process that loads LangGraph and does nothing).
 * `run team` uses the offline model and a fresh SQLite file per run. The "from source" rows are the same
 * bin with SWITCHYARD_FROM_SOURCE=1 (tsx transpiling the TypeScript, as every command did before dist/).
 * Run `npm run build:ts` first (npm run bench:cli does).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'cli/bin.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 11)
const SOURCE = process.env.BENCH_FROM_SOURCE !== '0'
const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cli-'))

const env: NodeJS.ProcessEnv = { ...process.env }
for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'SWITCHYARD_MODEL', 'SWITCHYARD_DB', 'SWITCHYARD_EMBEDDINGS_MODEL', 'SWITCHYARD_FROM_SOURCE']) delete env[k]

interface Subject { name: string; args: () => string[]; env?: Record<string, string>; target?: number; floor?: boolean }

let n = 0
const freshDb = () => join(dir, `run-${n++}.db`)
const cli = (name: string, args: () => string[], target?: number): Subject[] => [
  { name: `switchyard ${name}`, args: () => [BIN, ...args()], target },
  ...(SOURCE ? [{ name: `switchyard ${name} (from source)`, args: () => [BIN, ...args()], env: { SWITCHYARD_FROM_SOURCE: '1' } }] : []),
]

const SUBJECTS: Subject[] = [
  { name: 'node -e 0', args: () => ['-e', '0'] },
  { name: "node: import('@langchain/langgraph')", args: () => ['--input-type=module', '-e', "await import('@langchain/langgraph')"], floor: true },
  ...cli('--help', () => ['--help'], 300),
  ...cli('graphs', () => ['graphs'], 1000),
  ...cli('run team --input x', () => ['--db', freshDb(), 'run', 'team', '--input', 'x'], 1500),
]

function timeOnce(s: Subject): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, s.args(), { cwd: ROOT, env: { ...env, ...s.env }, stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${s.name} exited with ${r.status}: ${r.stderr.toString()}`)
  return ms
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(`bench:cli — ${RUNS} rounds, node ${process.version}, ${cpus().length} cpus, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
const times = new Map<Subject, number[]>(SUBJECTS.map((s) => [s, []]))
for (const s of SUBJECTS) timeOnce(s) // warm the file cache
for (let round = 0; round < RUNS; round++) for (const s of SUBJECTS) times.get(s)!.push(timeOnce(s))
rmSync(dir, { recursive: true, force: true })

const floor = median(times.get(SUBJECTS.find((s) => s.floor)!)!)
const rows = SUBJECTS.map((s) => {
  const xs = times.get(s)!
  const med = median(xs)
  const verdict = s.target === undefined ? '' : `${med <= s.target ? '✓' : '✗'} ≤ ${s.target} ms`
  return `| ${s.name} | ${med.toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${(med / floor).toFixed(2)}× | ${verdict} |`
})
console.log(['| subject | median ms | min ms | ÷ floor | target |', '|---|---:|---:|---:|---|', ...rows].join('\n'))
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
