import type { NodeState, NodeStates } from '../stores/node-states-store.js'
import { isDict, splitEventId, type LiveEvent } from './live-events.js'

/** One execution of a node (a task): when it started and ended (event timestamps, ms epoch). */
export interface NodeRunSpan { taskId: string; runId: string; start: number; end?: number; status: NodeState['status'] }

/** What the page knows of one graph node from the thread's events. */
export interface NodeLive {
  status: NodeState['status']
  /** Time of the last execution, when it ended. */
  ms?: number
  /** Executions (a resumed task is the same execution). */
  count: number
  error?: string
  stack?: string
  /** The streamed text (and tool-call arguments) of its last message, tail-capped. */
  tokens: string
  /** Streamed deltas received. */
  chunks: number
  /** Token usage its model calls reported (message-finish). */
  usage: { input: number; output: number; total: number }
  spans: NodeRunSpan[]
}

/** A pending (or answered) `interrupt()`: where it stopped and what it asks. */
export interface LiveInterrupt { id: string; runId: string; node?: string; namespace: string[]; payload: unknown; seq: number; answered: boolean }

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted'
export interface LiveRun { runId: string; status: RunStatus; start: number; end?: number; error?: string }

export interface LiveState {
  /** The last seq applied: the `since` of a resume. */
  lastSeq: number
  /** Every event applied, in seq order (the event log). */
  log: readonly LiveEvent[]
  /** Events dropped because their seq was already applied (a replay overlapping what we had). */
  duplicates: number
  /** Holes seen in a run's event numbering (must stay 0: a resume replays exactly what was missed). */
  gaps: number
  nodes: Readonly<Record<string, NodeLive>>
  runs: Readonly<Record<string, LiveRun>>
  /** Runs in the order they started. */
  runOrder: readonly string[]
  interrupts: Readonly<Record<string, LiveInterrupt>>
  /** The latest root `values`. */
  values?: unknown
  /** Root checkpoints written while followed: the time-travel timeline reloads when it grows. */
  checkpoints: number
}

export const initialLive = (): LiveState => ({ lastSeq: -1, log: [], duplicates: 0, gaps: 0, nodes: {}, runs: {}, runOrder: [], interrupts: {}, checkpoints: 0 })

const TOKENS_CAP = 4_000
const blankNode = (): NodeLive => ({ status: 'pending', count: 0, tokens: '', chunks: 0, usage: { input: 0, output: 0, total: 0 }, spans: [] })

/** The graph node id of `node` in `namespace` (subgraph nodes are `parent:child`, as the xray drawing names them). */
export const nodeKey = (namespace: string[], node: string): string =>
  [...namespace.map((s) => s.split(':')[0] ?? s), node].join(':')

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function errorOf(v: unknown): { message: string; stack?: string } | undefined {
  if (v == null) return undefined
  if (typeof v === 'string') return { message: v }
  if (isDict(v)) {
    const message = str(v.message) ?? str(v.error) ?? JSON.stringify(v)
    return { message: str(v.name) && str(v.name) !== 'Error' ? `${v.name as string}: ${message}` : message, ...(str(v.stack) ? { stack: v.stack as string } : {}) }
  }
  return { message: String(v) }
}

/**
 * Applies events to the live state: a pure function (same events → same state), seq-ordered, idempotent on
 * replay (an event at or below `lastSeq` is counted as a duplicate and ignored). Feed it the events of a
 * subscription from `since` and, after a reconnect, the replay from the last seq: the state is the same as
 * if the connection had never dropped.
 */
export function reduceLive(state: LiveState, events: readonly LiveEvent[]): LiveState {
  if (events.length === 0) return state
  let { lastSeq, duplicates, gaps, values, checkpoints } = state
  let nodes = state.nodes as Record<string, NodeLive>
  // copies made on first write: a batch of custom events leaves nodes, runs and interrupts as they were,
  // so the graph overlay (and React Flow) does not re-render for them
  let runsCopy: Record<string, LiveRun> | undefined
  let interruptsCopy: Record<string, LiveInterrupt> | undefined
  let nodesCopied = false
  const runOrder = [...state.runOrder]
  const runsW = (): Record<string, LiveRun> => (runsCopy ??= { ...state.runs })
  const interruptsW = (): Record<string, LiveInterrupt> => (interruptsCopy ??= { ...state.interrupts })
  const R = (): Readonly<Record<string, LiveRun>> => runsCopy ?? state.runs
  const I = (): Readonly<Record<string, LiveInterrupt>> => interruptsCopy ?? state.interrupts
  const fresh: LiveEvent[] = []
  // copy-on-write per node: a node touched several times in a batch is copied once
  const touched = new Set<string>()
  const node = (key: string): NodeLive => {
    if (!touched.has(key)) {
      if (!nodesCopied) { nodes = { ...nodes }; nodesCopied = true }
      const was = nodes[key] ?? blankNode()
      nodes[key] = { ...was, usage: { ...was.usage }, spans: [...was.spans] }
      touched.add(key)
    }
    return nodes[key]!
  }
  let prev = state.log.at(-1)
  for (const ev of events) {
    if (ev.seq <= lastSeq) { duplicates++; continue }
    const { runId, local } = splitEventId(ev.event_id)
    if (prev) {
      const p = splitEventId(prev.event_id)
      const expected = p.runId === runId ? p.local + 1 : 0
      if (local !== expected) gaps++
    } else if (local !== 0) gaps++
    prev = ev
    lastSeq = ev.seq
    fresh.push(ev)
    const { namespace, timestamp: ts, data } = ev.params
    const d = isDict(data) ? data : {}
    const root = namespace.length === 0
    switch (ev.method) {
      case 'lifecycle': {
        if (!root) break
        const event = str(d.event)
        if (event === 'running' || event === 'started') {
          if (!R()[runId]) runOrder.push(runId)
          runsW()[runId] = { runId, status: 'running', start: ts }
        } else if (event === 'completed' || event === 'failed' || event === 'interrupted') {
          // the root `failed` lifecycle: `error` (the message), and from this server the error's class and stack
          const err = event === 'failed' ? errorOf({ ...(isDict(d.error) ? d.error : { message: str(d.error) ?? 'the run failed' }), ...(str(d.error_type) ? { name: d.error_type } : {}), ...(str(d.stack) ? { stack: d.stack } : {}) }) : undefined
          runsW()[runId] = { ...(R()[runId] ?? { runId, start: ts }), status: event, end: ts, ...(err ? { error: err.message } : {}) }
          if (!runOrder.includes(runId)) runOrder.push(runId)
          // a node still running when its run ended: it failed there (or, with the run interrupted, waits)
          for (const [key, n] of Object.entries(nodes)) {
            const open = n.spans.at(-1)
            // the task that failed said so (its result's error has no stack): the run's error has it
            if (event === 'failed' && n.status === 'error' && open?.runId === runId && !n.stack && err?.stack) {
              node(key).stack = err.stack
              continue
            }
            if (n.status !== 'running' || open?.runId !== runId || open.end !== undefined) continue
            const m = node(key)
            const span = m.spans.at(-1)!
            m.spans[m.spans.length - 1] = { ...span, end: ts, status: event === 'failed' ? 'error' : event === 'interrupted' ? 'interrupted' : 'done' }
            m.ms = ts - span.start
            if (event === 'failed') { m.status = 'error'; m.error = err?.message; if (err?.stack) m.stack = err.stack }
            else m.status = event === 'interrupted' ? 'interrupted' : 'done'
          }
        }
        break
      }
      case 'tasks': {
        const name = str(d.name)
        const taskId = str(d.id)
        if (!name || !taskId) break
        const key = nodeKey(namespace, name)
        const n = node(key)
        // a start carries `input`/`triggers` (and an empty `interrupts`); a result carries `result`/`error`
        if ('input' in d || 'triggers' in d || !('result' in d || 'error' in d)) {
          // a task starts; the resume of an interrupted task is the same execution again
          const resumed = n.spans.some((s) => s.taskId === taskId)
          if (!resumed) n.count++
          n.spans.push({ taskId, runId, start: ts, status: 'running' })
          n.status = 'running'
          n.error = undefined
          n.stack = undefined
          n.tokens = ''
          break
        }
        const at = n.spans.findLastIndex((s) => s.taskId === taskId && s.end === undefined)
        const span = at >= 0 ? n.spans[at]! : { taskId, runId, start: ts, status: 'running' as const }
        const err = errorOf(d.error)
        const waits = Array.isArray(d.interrupts) && d.interrupts.length > 0
        const status: NodeState['status'] = err ? 'error' : waits ? 'interrupted' : 'done'
        const ended = { ...span, end: ts, status }
        if (at >= 0) n.spans[at] = ended
        else n.spans.push(ended)
        n.status = status
        n.ms = ts - span.start
        if (err) { n.error = err.message; n.stack = err.stack }
        if (waits) {
          for (const i of d.interrupts as unknown[]) {
            const id = isDict(i) ? str(i.id) : undefined
            if (id && I()[id]) interruptsW()[id] = { ...I()[id]!, node: key }
          }
        }
        break
      }
      case 'input.requested': {
        const id = str(d.interrupt_id)
        if (!id) break
        // the node that asked: the task of this namespace still running
        const asking = Object.entries(nodes).find(([k, n]) => n.status === 'running' && n.spans.at(-1)?.runId === runId && k.split(':').length === namespace.length + 1)?.[0]
        interruptsW()[id] = { id, runId, namespace, payload: d.payload, seq: ev.seq, answered: false, ...(asking ? { node: asking } : {}) }
        break
      }
      case 'input.answered': {
        for (const id of Array.isArray(d.interrupt_ids) ? d.interrupt_ids : []) {
          if (typeof id === 'string' && I()[id]) interruptsW()[id] = { ...I()[id]!, answered: true }
        }
        break
      }
      case 'messages': {
        const name = ev.params.node
        if (!name) break
        const n = node(nodeKey(namespace, name))
        if (d.event === 'content-block-delta' && isDict(d.delta)) {
          const piece = str(d.delta.text) ?? str(d.delta.args) ?? str(d.delta.reasoning) ?? ''
          n.chunks++
          n.tokens = (n.tokens + piece).slice(-TOKENS_CAP)
        } else if (d.event === 'message-start') {
          if (n.tokens) n.tokens = `${n.tokens}\n`.slice(-TOKENS_CAP)
        } else if (d.event === 'message-finish' && isDict(d.usage)) {
          const u = d.usage
          const input = num(u.input_tokens)
          const output = num(u.output_tokens)
          n.usage.input += input
          n.usage.output += output
          n.usage.total += num(u.total_tokens) || input + output
        } else if (d.event === 'error') {
          const err = errorOf(d.message ?? d.error)
          if (err) { n.error = err.message; if (err.stack) n.stack = err.stack }
        }
        break
      }
      case 'values':
        if (root) values = data
        break
      case 'checkpoints':
        if (root) checkpoints++
        break
      default:
        break
    }
  }
  if (fresh.length === 0) return { ...state, duplicates }
  return { lastSeq, log: [...state.log, ...fresh], duplicates, gaps, nodes, runs: R(), runOrder: runOrder.length === state.runOrder.length ? state.runOrder : runOrder, interrupts: I(), values, checkpoints }
}

/**
 * The nodes a failed run's state names as failing (`GET /threads/{id}/state` tasks with an `error`): the
 * run's events may not say which node threw (a failing step's task events can be missing from the log),
 * the checkpoint's pending error writes do. Pure, like reduceLive.
 */
export function reduceFailures(state: LiveState, runId: string, failures: readonly { node: string; error: string; stack?: string }[]): LiveState {
  if (failures.length === 0) return state
  const nodes: Record<string, NodeLive> = { ...state.nodes }
  const end = state.runs[runId]?.end
  for (const f of failures) {
    const was = nodes[f.node] ?? blankNode()
    const open = was.spans.at(-1)
    const spans = open && open.runId === runId ? [...was.spans.slice(0, -1), { ...open, status: 'error' as const, ...(open.end === undefined && end !== undefined ? { end } : {}) }]
      : [...was.spans, { taskId: `failed:${runId}`, runId, start: end ?? 0, end: end ?? 0, status: 'error' as const }]
    // the events' error (class, message, stack) is kept over the state's shorter text
    nodes[f.node] = { ...was, status: 'error', error: was.status === 'error' && was.error ? was.error : f.error, ...(f.stack ? { stack: f.stack } : {}), count: Math.max(1, was.count), spans }
  }
  return { ...state, nodes }
}

/** The run shown as "the" run: the latest. */
export const currentRun = (s: LiveState): LiveRun | undefined => {
  const id = s.runOrder.at(-1)
  return id ? s.runs[id] : undefined
}

/** Interrupts still waiting for an answer (those of the thread's latest interrupted run). */
export function pendingInterrupts(s: LiveState): LiveInterrupt[] {
  const run = currentRun(s)
  if (!run || run.status !== 'interrupted') return []
  return Object.values(s.interrupts).filter((i) => !i.answered && i.runId === run.runId)
}

/**
 * The graph overlay (node-states-store) from the live state: each node's status, time, error and count;
 * while a run is in flight, the graph's nodes that have not run yet are `pending`.
 */
export function toNodeStates(s: LiveState, graphNodes: readonly string[] = []): NodeStates {
  const out: NodeStates = {}
  const run = currentRun(s)
  if (run?.status === 'running') {
    for (const id of graphNodes) if (!id.startsWith('__')) out[id] = { status: 'pending' }
  }
  for (const [id, n] of Object.entries(s.nodes)) {
    if (n.count === 0 && n.status === 'pending') continue
    out[id] = { status: n.status, count: n.count, ...(n.ms !== undefined ? { ms: n.ms } : {}), ...(n.error ? { error: n.error } : {}), ...(n.stack ? { stack: n.stack } : {}) }
  }
  // a refused answer (the gate asks again with `error`): said on the node that waits
  for (const i of pendingInterrupts(s)) {
    const refused = isDict(i.payload) && typeof i.payload.error === 'string' ? i.payload.error : undefined
    const at = i.node ? out[i.node] : undefined
    if (refused && at) out[i.node!] = { ...at, status: 'interrupted', error: refused }
  }
  return out
}
