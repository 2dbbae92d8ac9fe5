import { randomUUID } from 'node:crypto'
import { Command } from '@langchain/langgraph'
import { AppError, toAppError } from '../store/app-error.js'
import type { RunKind, RunStatus } from '../store/run-schema.js'
import { createEventMapper, type InterruptInfo, type RunEvent, type RunOutcome, type RunResult } from './run-events.js'
import type { Runtime } from './runtime.js'

/** What a starter (CLI, later HTTP and WebSocket) asks the runner to do. */
export type RunRequest =
  | { kind: 'input'; graph: string; threadId?: string; input: unknown; pauseBefore?: string[] }
  | { kind: 'resume'; threadId: string; value: unknown; pauseBefore?: string[] }
  | { kind: 'continue'; threadId: string; pauseBefore?: string[] }
  | { kind: 'replay'; threadId: string; checkpointId: string; pauseBefore?: string[] }

export interface RunOptions {
  onEvent?: (e: RunEvent) => void
  signal?: AbortSignal
  /** How often to look for a cancel requested from another process (ms). */
  cancelPollMs?: number
}

const STORED_STATUS: Record<RunOutcome, RunStatus> = {
  success: 'success', interrupted: 'interrupted', paused: 'interrupted', cancelled: 'interrupted', error: 'error',
}

const isAlive = (pid: number | null) => {
  if (!pid) return false
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/** Checks the request against the thread's state before anything is written. */
async function prepare(rt: Runtime, req: RunRequest) {
  const graphName = req.kind === 'input' ? req.graph : (await rt.runs.getThread(req.threadId)).graph
  if (!graphName) throw new AppError('CONFLICT', `thread ${req.kind === 'input' ? req.threadId : req.threadId} has no graph`)
  const def = rt.registry.get(graphName)
  const graph = rt.graph(graphName)
  const threadId = req.threadId ?? randomUUID()
  const config = { configurable: { thread_id: threadId } as Record<string, unknown> }
  let input: unknown = null
  if (req.kind === 'input') {
    input = def.parseInput(req.input)
  } else {
    const state = await graph.getState(config)
    const pending = state.tasks.flatMap((t) => t.interrupts)
    if (req.kind === 'resume') {
      if (pending.length === 0) throw new AppError('CONFLICT', `thread ${threadId} is not waiting on an interrupt`)
      input = new Command({ resume: req.value })
    } else if (req.kind === 'continue') {
      if (pending.length > 0) throw new AppError('CONFLICT', `thread ${threadId} is waiting on an interrupt: answer it with resume`)
      if (state.next.length === 0) throw new AppError('CONFLICT', `thread ${threadId} has nothing left to run`)
    } else {
      const tuple = await rt.checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '', checkpoint_id: req.checkpointId } })
      if (!tuple) throw new AppError('NOT_FOUND', `unknown checkpoint ${req.checkpointId} on thread ${threadId}`)
      config.configurable.checkpoint_id = req.checkpointId
    }
  }
  for (const node of req.pauseBefore ?? []) {
    if (!(node in graph.nodes)) throw new AppError('VALIDATION', `graph ${graphName} has no node "${node}"`)
  }
  return { graphName, graph, threadId, config, input }
}

/** Runs left `running` by a process that no longer exists crashed: mark them so the thread can go on. */
async function settleStaleRuns(rt: Runtime, threadId: string) {
  for (const r of await rt.runs.runningRuns(threadId)) {
    if (r.pid === process.pid && r.cancel_requested === 0) throw new AppError('CONFLICT', `thread ${threadId} already has a run in progress (${r.run_id})`)
    if (r.pid !== process.pid && isAlive(r.pid)) throw new AppError('CONFLICT', `thread ${threadId} already has a run in progress (${r.run_id}, pid ${r.pid})`)
    await rt.runs.finishRun(r.run_id, 'error', 'the process running it died; resume continues from the last checkpoint')
  }
}

/**
 * The one path of every run: record the run, stream the graph with a durable checkpoint per step,
 * append each event to the run's log before handing it to the subscriber, and settle the status.
 */
export async function executeRun(rt: Runtime, req: RunRequest, opts: RunOptions = {}): Promise<RunResult> {
  const { graphName, graph, threadId, config, input } = await prepare(rt, req)
  await settleStaleRuns(rt, threadId)
  await rt.runs.ensureThread(threadId, graphName)
  const runId = randomUUID()
  await rt.runs.insertRun({ run_id: runId, thread_id: threadId, graph: graphName, kind: req.kind as RunKind, payload: req.kind === 'resume' ? req.value : req.kind === 'input' ? input : null, pid: process.pid })
  await rt.runs.setThreadStatus(threadId, 'busy')

  let seq = 0
  const emit = async (e: RunEvent) => {
    await rt.runs.appendEvent(runId, seq++, e.type, e)
    opts.onEvent?.(e)
  }
  const abort = new AbortController()
  const onAbort = () => abort.abort(new AppError('CANCELLED', 'run cancelled'))
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (opts.signal?.aborted) onAbort()
  const poll = setInterval(() => {
    rt.runs.isCancelRequested(runId).then((yes) => { if (yes) onAbort() }, () => undefined)
  }, opts.cancelPollMs ?? 100)

  let outcome: RunOutcome = 'success'
  let error: AppError | undefined
  try {
    await emit({ type: 'run_start', run_id: runId, thread_id: threadId, graph: graphName, kind: req.kind, model: rt.model.label })
    const map = createEventMapper()
    const stream = await graph.stream(input as Parameters<typeof graph.stream>[0], {
      ...config,
      streamMode: ['tasks', 'checkpoints', 'messages'],
      durability: 'sync',
      signal: abort.signal,
      interruptBefore: req.pauseBefore,
    })
    for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
      for (const e of map(mode, chunk)) await emit(e)
    }
  } catch (e) {
    if (abort.signal.aborted) outcome = 'cancelled'
    else { outcome = 'error'; error = toAppError(e) }
  } finally {
    clearInterval(poll)
    opts.signal?.removeEventListener('abort', onAbort)
  }

  const state = await graph.getState({ configurable: { thread_id: threadId } })
  const interrupts: InterruptInfo[] = state.tasks.flatMap((t) =>
    t.interrupts.map((i) => ({ id: i.id ?? '', node: t.name, value: i.value })))
  if (outcome === 'success' && interrupts.length > 0) outcome = 'interrupted'
  else if (outcome === 'success' && state.next.length > 0) outcome = 'paused'

  const result: RunResult = {
    type: 'result', status: outcome, run_id: runId, thread_id: threadId, graph: graphName,
    checkpoint_id: (state.config.configurable?.checkpoint_id as string | undefined) ?? null,
    next: [...state.next], output: state.values, interrupts,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  }
  await emit(result)
  await rt.runs.finishRun(runId, STORED_STATUS[outcome], outcome === 'cancelled' ? 'cancelled' : error?.message ?? null)
  await rt.runs.setThreadStatus(threadId, outcome === 'success' ? 'idle' : outcome === 'error' ? 'error' : 'interrupted')
  return result
}
