/**
 * Before/after of a server change on a loaded, shared machine (issue 16 part 3): the server CPU per run of
 * two builds, both serving at once, measured in alternating rounds so that both see the same load.
 *
 *   npm run bench:ab -- main          # this checkout against the commit `main` (built into a temp dir)
 *   BENCH_AB_LAYOUT=split npm run bench:ab -- HEAD~1
 *
 * Each build runs the package bin (`switchyard serve --config bench/langgraph.json`, logs at info to a
 * discarded stderr, 50 run slots; BENCH_AB_LAYOUT=split: `serve --workers 0` + one `worker` on the same
 * SQLite file) on a fresh SQLite file. After BENCH_AB_WARMUP (300) runs each, BENCH_AB_ROUNDS (6) rounds of
 * BENCH_AB_RUNS (300) runs with BENCH_AB_CLIENTS (50) in flight, in the order ABBA, BAAB, …; per round the
 * CPU time of the build's processes (from /proc) over its successful runs. Prints the median, min and max of
 * server CPU ms/run and of runs/s per build, and B/A of the medians, with the load averages.
 *
 * BENCH_AB_CALLGRIND=1: instructions instead of CPU time, which the machine's load does not move. Each build
 * runs under `valgrind --tool=callgrind` with instrumentation off (so start-up and BENCH_AB_WARMUP runs go at
 * valgrind's plain speed and the JIT settles), then for each of BENCH_AB_ROUNDS rounds instrumentation is
 * turned on and zeroed (`callgrind_control`), BENCH_AB_RUNS runs are made and the counts dumped: instructions
 * (Ir) of the main thread per run (JS, its GC pauses, SQLite; the JIT's and GC's helper threads, whose
 * share varies from round to round, are left out). The two builds are measured at the same time.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startCluster, type Cluster } from './server/cluster.js'
import { treeCpuMs } from './server/cpu.js'
import { fixedRuns } from './server/fixed-runs.js'
import { quantile, sdkClient, type RunCase } from './server/load.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONFIG = fileURLToPath(new URL('./langgraph.json', import.meta.url))
const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt)
const WARMUP = num('BENCH_AB_WARMUP', 300)
const ROUNDS = num('BENCH_AB_ROUNDS', 6)
const RUNS = num('BENCH_AB_RUNS', 300)
const CLIENTS = num('BENCH_AB_CLIENTS', 50)
const SPLIT = process.env.BENCH_AB_LAYOUT === 'split'
const GRAPH = process.env.BENCH_GRAPH ?? 'one_node'
const NODES: Record<string, number> = { one_node: 1, five_nodes: 5 }
const CASE: RunCase = { graph: GRAPH, input: { count: 0 }, check: (v) => (v as { count?: unknown } | null)?.count === NODES[GRAPH] }
const say = (s: string) => console.error(`[bench:ab] ${s}`)
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')

const ref = process.argv[2]
if (!ref) {
  console.error('usage: npm run bench:ab -- <git ref to compare this checkout against>')
  process.exit(2)
}

/** `ref`'s tree built into a temp dir (git archive + this checkout's node_modules + build:ts); its bin. */
function buildRef(r: string): { bin: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-ab-'))
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${r}" | tar -x -C "${dir}"`], { stdio: 'inherit' })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  if (existsSync(join(ROOT, 'web/dist')) && !existsSync(join(dir, 'web/dist'))) symlinkSync(join(ROOT, 'web/dist'), join(dir, 'web/dist'), 'dir')
  execFileSync(process.execPath, ['scripts/build-ts.js'], { cwd: dir, stdio: 'inherit' })
  return { bin: join(dir, 'cli/bin.js'), dir }
}

const CALLGRIND = process.env.BENCH_AB_CALLGRIND === '1'
const cgDir = CALLGRIND ? mkdtempSync(join(tmpdir(), 'sy-bench-cg-')) : ''

/** Instructions per run of one build under callgrind, per round (see the header). */
async function callgrindRounds(s: { label: string; cluster?: Cluster; ir: number[] }): Promise<void> {
  const pid = String(s.cluster!.pid)
  const control = (...args: string[]) => execFileSync('callgrind_control', [...args, pid], { stdio: 'ignore' })
  const client = sdkClient(s.cluster!.url)
  await fixedRuns(client, CASE, { runs: WARMUP, clients: CLIENTS })
  for (let round = 0; round < ROUNDS; round++) {
    control('-i', 'on')
    control('-z')
    const r = await fixedRuns(client, CASE, { runs: RUNS, clients: CLIENTS })
    control('-d')
    control('-i', 'off')
    if (r.firstError) say(`${s.label}: ${r.firstError}`)
    // the main thread's dump (-01): JS, its GC pauses, SQLite; not the JIT's and GC's helper threads, whose share varies
    const dumps = readdirSync(cgDir).filter((f) => f.startsWith(`cg.${pid}.`) && f.endsWith('-01')).map((f) => join(cgDir, f))
    const newest = dumps.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!
    const totals = /^totals:\s*(\d+)/m.exec(readFileSync(newest, 'utf8'))
    s.ir.push(Number(totals?.[1]) / (RUNS - r.errors))
    say(`${s.label} round ${round + 1}: ${(s.ir.at(-1)! / 1e6).toFixed(2)} M instructions/run (${r.errors} errors; load ${load()})`)
  }
}

const rev = (r: string) => execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', r], { encoding: 'utf8' }).trim()
const before = buildRef(ref)
const subjects: { label: string; bin: string; cluster?: Cluster; cpu: number[]; rate: number[]; ir: number[]; errors: number }[] = [
  { label: `A ${ref} (${rev(ref)})`, bin: before.bin, cpu: [], rate: [], ir: [], errors: 0 },
  { label: `B this checkout (${rev('HEAD')}${execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() ? ' + changes' : ''})`, bin: join(ROOT, 'cli/bin.js'), cpu: [], rate: [], ir: [], errors: 0 },
]
const loadStart = load()
try {
  for (const s of subjects) {
    const wrap = CALLGRIND ? ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${cgDir}/cg.%p`] : undefined
    s.cluster = await startCluster({ name: s.label, configPath: CONFIG, store: { sqlite: true }, workers: SPLIT && !CALLGRIND ? 1 : 'embedded', concurrency: 50, bin: s.bin, wrap })
    say(`${s.label} at ${s.cluster.url}`)
  }
  if (CALLGRIND) await Promise.all(subjects.map(callgrindRounds))
  else for (const s of subjects) await fixedRuns(sdkClient(s.cluster!.url), CASE, { runs: WARMUP, clients: CLIENTS })
  for (let round = 0; round < (CALLGRIND ? 0 : ROUNDS); round++) {
    const order = round % 2 === 0 ? [0, 1, 1, 0] : [1, 0, 0, 1]
    for (const i of order) {
      const s = subjects[i]!
      const cpu = () => s.cluster!.pids.reduce((n, pid) => n + (treeCpuMs(pid) ?? Number.NaN), 0)
      const c0 = cpu()
      const t0 = performance.now()
      const r = await fixedRuns(sdkClient(s.cluster!.url), CASE, { runs: RUNS / 2, clients: CLIENTS })
      const seconds = (performance.now() - t0) / 1_000
      const ok = RUNS / 2 - r.errors
      s.errors += r.errors
      if (r.firstError) say(`${s.label}: ${r.firstError}`)
      s.cpu.push((cpu() - c0) / ok)
      s.rate.push(ok / seconds)
    }
    say(`round ${round + 1}: ${subjects.map((s) => `${s.label} ${s.cpu.slice(-2).map((v) => v.toFixed(2)).join('/')} ms/run`).join(', ')} (load ${load()})`)
  }
} finally {
  for (const s of subjects) await s.cluster?.stop()
  rmSync(before.dir, { recursive: true, force: true })
  if (cgDir) rmSync(cgDir, { recursive: true, force: true })
}
const med = (v: number[]) => quantile(v, 0.5)
if (CALLGRIND) {
  const [a, b] = subjects as [typeof subjects[0], typeof subjects[0]]
  const out = [`### bench:ab (callgrind) — ${GRAPH}, \`switchyard serve\`, ${CLIENTS} in flight, ${ROUNDS} rounds × ${RUNS} runs per build after ${WARMUP} warm-up`, '',
    '| build | M instructions per run, per round | median |', '|---|---|---:|',
    ...subjects.map((s) => `| ${s.label} | ${s.ir.map((v) => (v / 1e6).toFixed(2)).join(', ')} | ${(med(s.ir) / 1e6).toFixed(2)} |`),
    '', `- B/A: instructions per run ${(med(b.ir) / med(a.ir)).toFixed(3)}. Load average at start ${loadStart}, at end ${load()} (instruction counts do not depend on it).`]
  console.log(out.join('\n'))
  process.exit(0)
}
const lines = [`### bench:ab — ${GRAPH}, ${SPLIT ? '`serve --workers 0` + 1 `worker`' : '`switchyard serve`'}, ${CLIENTS} in flight, ${ROUNDS} rounds × ${RUNS} runs per build`, '',
  '| build | server CPU ms/run median | min–max | runs/s median | min–max | errors |', '|---|---:|---|---:|---|---:|']
for (const s of subjects) lines.push(`| ${s.label} | ${med(s.cpu).toFixed(2)} | ${Math.min(...s.cpu).toFixed(2)}–${Math.max(...s.cpu).toFixed(2)} | ${med(s.rate).toFixed(1)} | ${Math.min(...s.rate).toFixed(1)}–${Math.max(...s.rate).toFixed(1)} | ${s.errors} |`)
const [a, b] = subjects as [typeof subjects[0], typeof subjects[0]]
lines.push('', `- B/A: server CPU per run ${(med(b.cpu) / med(a.cpu)).toFixed(3)}, runs/s ${(med(b.rate) / med(a.rate)).toFixed(3)}. Load average (1, 5, 15 min) at start ${loadStart}, at end ${load()}.`)
console.log(lines.join('\n'))
