import { randomUUID } from 'node:crypto'
import { activeTraceparent } from '../agents/tracing/trace-context.js'
import { AppError } from '../store/app-error.js'
import type { RunKind, RunRow } from '../store/run-schema.js'
import type { RunKwargs } from './run-kwargs.js'
import type { Runtime } from './runtime.js'

const isTimer = (run: RunRow) => (JSON.parse(run.kwargs) as RunKwargs).timer_for !== undefined

export const MULTITASK_STRATEGIES = ['reject', 'interrupt', 'rollback', 'enqueue'] as const
export type MultitaskStrategy = (typeof MULTITASK_STRATEGIES)[number]
export type CancelAction = 'interrupt' | 'rollback'

export interface NewRun {
  threadId?: string
  graph: string
  assistantId?: string
  kind: RunKind
  kwargs: RunKwargs
  metadata?: Record<string, unknown>
  multitaskStrategy?: MultitaskStrategy
  /** What to do when the thread does not exist: 'create' it, or 'reject' (404). */
  ifNotExists?: 'create' | 'reject'
  afterSeconds?: number
  /** A stateless run: its thread is deleted when it ends. */
  temporary?: boolean
  /** Insert the run already claimed by this process (the CLI runs its own run; no queue may take it). */
  claimHere?: boolean
}

/**
 * Queues a run, applying the thread's multitask strategy to runs already in flight on it:
 * reject (409), interrupt or rollback them (rollback also returns the thread to the state the
 * rolled-back run started from), or enqueue behind them.
 */
export async function createRun(rt: Runtime, r: NewRun): Promise<RunRow> {
  const threadId = r.threadId ?? randomUUID()
  const { binding } = await rt.runs.ensureThread(threadId, r.graph, !(r.threadId && r.ifNotExists === 'reject'))
  // the binding is awaited with the run's insert below (one commit); a failed one fails the request
  binding?.catch(() => undefined)
  const strategy = r.multitaskStrategy ?? 'reject'
  const row = (kwargs: RunKwargs) => ({
    run_id: randomUUID(),
    thread_id: threadId,
    graph: r.graph,
    kind: r.kind,
    assistant_id: r.assistantId ?? null,
    kwargs: JSON.stringify(kwargs),
    metadata: JSON.stringify(r.metadata ?? {}),
    multitask_strategy: strategy,
    available_at: r.afterSeconds ? new Date(Date.now() + r.afterSeconds * 1000).toISOString() : null,
    temporary: r.temporary ? 1 : 0,
    // the request's (or CLI command's) span: the run's span is its child even when a queue runs it later
    trace_parent: activeTraceparent() ?? null,
  })
  // The strategy is applied to the runs in flight as read, and the run is queued only if no other run
  // was queued on the thread meanwhile (by this process or another: queueRun checks and inserts
  // atomically); if one was, the strategy is applied again with it in view — a second `reject` is refused,
  // a second `interrupt` interrupts the run queued first.
  let run: RunRow | undefined
  for (let tries = 0; run === undefined; tries++) {
    if (tries === 8) throw new AppError('CONFLICT', `thread ${threadId} keeps getting new runs; retry`)
    let inflight = await rt.runs.inflightRuns(threadId)
    // an answer (any run but another timer) removes the timers waiting for the thread's interrupt deadlines
    if (r.kwargs.timer_for === undefined && inflight.some((x) => x.status === 'pending' && isTimer(x))) {
      for (const x of inflight) if (x.status === 'pending' && isTimer(x)) await rt.runs.deleteRun(x.run_id)
      inflight = inflight.filter((x) => !(x.status === 'pending' && isTimer(x)))
    }
    const kwargs = { ...r.kwargs }
    if (inflight.length > 0) {
      if (strategy === 'reject') throw new AppError('CONFLICT', `thread ${threadId} is already running a run; wait for it, or choose another multitask_strategy`)
      if (strategy === 'interrupt' || strategy === 'rollback') {
        const starts = inflight.map((x) => x.start_checkpoint_id).filter((x): x is string => !!x)
        for (const run of inflight) await cancelRun(rt, run, strategy)
        if (strategy === 'rollback' && kwargs.checkpoint_id === undefined && kwargs.command === undefined) {
          if (starts[0]) kwargs.checkpoint_id = starts[0]
          else if (inflight.some((x) => x.status === 'running')) await rt.checkpointer.deleteThread(threadId)
        }
      }
    }
    // enqueue goes behind whatever is there; the others only behind the runs they just cancelled (still running until they stop)
    const unlessInflight = strategy === 'enqueue' ? undefined : inflight.map((x) => x.run_id)
    ;[run] = await Promise.all([rt.runs.queueRun(row(kwargs), { claimBy: r.claimHere ? rt.leases.claimant : undefined, unlessInflight }), binding])
  }
  if (!r.claimHere) rt.wake(run.available_at ?? undefined, run.run_id)
  rt.bus.runCreated(threadId, run.run_id)
  return run
}

/**
 * Cancels a run: a pending one never starts; a running one in this process aborts at once; one
 * running in another process is flagged and aborts when that process sees the flag (another
 * connection's commit, or its heartbeat at the latest).
 * Checkpoints are kept (history is never rewritten); `rollback` also deletes the run itself.
 */
export async function cancelRun(rt: Runtime, run: RunRow, action: CancelAction = 'interrupt'): Promise<void> {
  if (run.status === 'pending') {
    if (action === 'rollback') await rt.runs.deleteRun(run.run_id)
    const final = action === 'rollback' ? undefined : await rt.runs.finishRun(run.run_id, 'interrupted', 'cancelled')
    rt.bus.end(run.run_id, final)
    return
  }
  if (run.status !== 'running') return
  const local = rt.controllers.get(run.run_id)
  if (local) local.abort(action)
  else {
    await rt.runs.requestCancel(run.thread_id, action)
    // the worker holding it hears this at once (Redis, NOTIFY), else at its next heartbeat
    rt.signals.send('cancels')
  }
}

/**
 * Resolves when the run has ended (any final status), following the bus, with the store as the source
 * of truth. The final row comes with the bus's end signal when this process ran the run; `known` is a
 * row the caller has just read or created (e.g. a run it just queued), which spares the first read.
 */
export async function waitForRun(rt: Runtime, runId: string, signal?: AbortSignal, known?: RunRow): Promise<RunRow | undefined> {
  const done = (r: RunRow | undefined) => !r || (r.status !== 'pending' && r.status !== 'running')
  const ended = rt.bus.ended(runId)
  if (ended !== undefined && done(ended ?? undefined)) return ended ?? rt.runs.getRun(runId).catch(() => undefined)
  return new Promise((resolve, reject) => {
    let finished = false
    const settle = (r: RunRow | undefined) => {
      if (!finished && done(r)) { finished = true; cleanup(); resolve(r) }
    }
    const check = () => { rt.runs.getRun(runId).catch(() => undefined).then(settle, reject) }
    const off = rt.bus.subscribe(runId, (ev, final) => {
      if (ev !== null) return
      if (final) settle(final)
      else check()
    })
    // a run executed by another process: look at the store when that process says the run ended (or,
    // on SQLite, when another connection commits), and now and then regardless
    const timer = setInterval(check, 1000)
    const offCommits = rt.signals.onRunEvent(runId, (s) => { if (s.kind === 'ended' || s.kind === 'poll') check() })
    const onAbort = () => { finished = true; cleanup(); resolve(undefined) }
    signal?.addEventListener('abort', onAbort, { once: true })
    function cleanup() { off(); offCommits(); clearInterval(timer); signal?.removeEventListener('abort', onAbort) }
    if (known?.run_id === runId && !done(known)) return
    check()
  })
}
