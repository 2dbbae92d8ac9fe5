import type { Ceiling } from './in-process.js'
import { cpus } from 'node:os'
import type { Latency, Throughput } from './load.js'

/** What one server measured on one graph, or why it could not. */
export type ServerResult = { latency: Latency; throughput: Throughput[]; warm?: Latency } | { error: string }

/** Everything measured on one graph. */
export interface GraphResult {
  graph: string
  switchyard: ServerResult
  /** The path users take: `switchyard serve --config` (compiled bin) on a project with its own node_modules. */
  cli?: ServerResult
  /** The two-process layout: `switchyard serve --workers 0` + one `switchyard worker` on the same SQLite file. */
  split?: ServerResult
  official: ServerResult
  /** A server that does no work: the client's and loopback's own cost. */
  noop: ServerResult
  ceiling: Ceiling | { error: string }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '–')
const rate = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0))
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : undefined)
const at = (r: ServerResult, clients: number) => ('error' in r ? undefined : r.throughput.find((t) => t.clients === clients))

function serverRow(graph: string, name: string, r: ServerResult): string {
  if ('error' in r) return `| ${graph} | ${name} | not measured: ${r.error.split('\n')[0]} | | | | | | | | |`
  const t = (n: number) => rate(at(r, n)?.perSecond)
  const errors = r.latency.errors + r.throughput.reduce((n, x) => n + x.errors, 0)
  const runs = `${r.latency.runs} / ${r.throughput.map((x) => x.runs).join(', ')}`
  return `| ${graph} | ${name} | ${ms(r.latency.p50)} | ${ms(r.warm?.p50 ?? Number.NaN)} | ${ms(r.latency.p99)} | ${ms(r.latency.withCreate ?? Number.NaN)} | ${t(1)} | ${t(10)} | ${t(50)} | ${runs} | ${errors} |`
}

function ceilingRow(graph: string, c: GraphResult['ceiling']): string {
  if ('error' in c) return `| ${graph} | in-process invoke | not measured: ${c.error} | | | | | | | | |`
  const s = c.sequential
  return `| ${graph} | in-process invoke (KyselySaver, SQLite file) | ${ms(s.p50)} | – | ${ms(s.p99)} | – | ${rate(s.perSecond)} | – | ${rate(c.concurrent.perSecond)} | ${s.runs} / ${c.concurrent.runs} | 0 |`
}

const CLI_NAME = 'Switchyard, `switchyard serve --config` (user project)'
const SPLIT_NAME = 'Switchyard, `serve --workers 0` + 1 `worker` (two processes)'

const cpuMs = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2))

/**
 * Where the cores go at 50 concurrent clients: CPU ms per run of each server's process tree and of the
 * client, and the cores both use; then, per graph, a lower bound of the cores the 6× target needs: the
 * client's own cost (against the no-op server) plus the graph's own (invoked in-process), nothing else.
 */
function cpuTable(results: GraphResult[]): string[] {
  const lines = ['', '### CPU per run at 50 concurrent clients', '',
    '| graph | subject | runs/s | server CPU ms/run | client CPU ms/run | cores in use |', '|---|---|---:|---:|---:|---:|']
  const row = (graph: string, name: string, t: Throughput | undefined) => {
    if (!t) return
    const cores = t.serverCpuMs !== undefined ? (t.perSecond * (t.serverCpuMs + (t.clientCpuMs ?? 0))) / 1_000 : undefined
    lines.push(`| ${graph} | ${name} | ${rate(t.perSecond)} | ${cpuMs(t.serverCpuMs)} | ${cpuMs(t.clientCpuMs)} | ${cores === undefined ? '–' : cores.toFixed(2)} |`)
  }
  for (const r of results) {
    row(r.graph, 'Switchyard', at(r.switchyard, 50))
    if (r.cli) row(r.graph, CLI_NAME, at(r.cli, 50))
    if (r.split) row(r.graph, SPLIT_NAME, at(r.split, 50))
    row(r.graph, 'official dev server', at(r.official, 50))
    row(r.graph, 'no-op server', at(r.noop, 50))
    if (!('error' in r.ceiling)) row(r.graph, 'in-process invoke (no client)', r.ceiling.concurrent)
  }
  lines.push('')
  for (const r of results) {
    const official = at(r.official, 50)?.perSecond
    const client = at(r.noop, 50)?.clientCpuMs
    const graph = 'error' in r.ceiling ? undefined : r.ceiling.concurrent.serverCpuMs
    if (!official || client === undefined || graph === undefined) continue
    const target = 6 * official
    lines.push(`- ${r.graph}: 6× the official rate is ${rate(target)} runs/s. At that rate the client alone needs ${(target * client / 1_000).toFixed(2)} cores (${cpuMs(client)} ms per run, against the no-op server) and the graph alone ${(target * graph / 1_000).toFixed(2)} cores (${cpuMs(graph)} ms per run in-process): ${(target * (client + graph) / 1_000).toFixed(2)} of this machine's ${cpus().length}, before any HTTP handling, run queue or event log.`)
  }
  return lines
}

const mark = (v: number | undefined, ok: (v: number) => boolean, fmt: (v: number) => string) =>
  (v === undefined ? '–' : `${fmt(v)} ${ok(v) ? '✓' : '✗'}`)

/** The markdown the bench prints: absolute figures per graph and subject, then the issue's ratios against their targets. */
export function renderReport(results: GraphResult[], notes: string[]): string {
  const lines = [
    '### Absolute figures',
    '',
    '| graph | subject | runs.wait p50 ms | p50 warm ms | runs.wait p99 ms | create + wait p50 ms | runs/s ×1 | runs/s ×10 | runs/s ×50 | runs (sequential / ×1, ×10, ×50) | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  ]
  for (const r of results) {
    lines.push(serverRow(r.graph, 'Switchyard', r.switchyard))
    if (r.cli) lines.push(serverRow(r.graph, CLI_NAME, r.cli))
    if (r.split) lines.push(serverRow(r.graph, SPLIT_NAME, r.split))
    lines.push(serverRow(r.graph, 'official dev server', r.official), ceilingRow(r.graph, r.ceiling),
      serverRow(r.graph, 'no-op server (client + HTTP only)', r.noop))
  }
  lines.push(...cpuTable(results))
  lines.push('', '### Against the targets', '',
    '| graph | subject | runs.wait p50 (≤ 5 ms) | p50 warm (≤ 5 ms) | ×50 runs/s vs official (≥ 6×) | ×50 runs/s vs in-process (≥ 0.5×) |',
    '|---|---|---:|---:|---:|---:|')
  for (const r of results) for (const [name, sy] of [['Switchyard', r.switchyard], [CLI_NAME, r.cli], [SPLIT_NAME, r.split]] as const) {
    if (!sy) continue
    const ours = at(sy, 50)?.perSecond
    const p50 = 'error' in sy ? undefined : sy.latency.p50
    const warm = 'error' in sy ? undefined : sy.warm?.p50
    const vsOfficial = ratio(ours, at(r.official, 50)?.perSecond)
    const vsCeiling = ratio(ours, 'error' in r.ceiling ? undefined : r.ceiling.concurrent.perSecond)
    lines.push(`| ${r.graph} | ${name} | ${mark(p50, (v) => v <= 5, (v) => `${ms(v)} ms`)} | ${mark(warm, (v) => v <= 5, (v) => `${ms(v)} ms`)} | ${mark(vsOfficial, (v) => v >= 6, (v) => `${v.toFixed(1)}×`)} | ${mark(vsCeiling, (v) => v >= 0.5, (v) => `${v.toFixed(2)}×`)} |`)
  }
  lines.push('', ...notes.map((n) => `- ${n}`))
  return lines.join('\n')
}
