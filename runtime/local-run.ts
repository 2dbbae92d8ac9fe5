import { AppError } from '../store/app-error.js'
import type { RunKind, RunRow } from '../store/run-schema.js'
import type { StoredEvent } from './event-bus.js'
import type { RunKwargs } from './run-kwargs.js'
import { createRun } from './run-service.js'
import { executeRun, type Settled } from './runner.js'
import type { Runtime } from './runtime.js'
import { isDeadClaim } from './run-leases.js'

/** What the CLI asks for. */
export type LocalRunRequest =
  | { kind: 'input'; graph: string; threadId?: string; input: unknown; pauseBefore?: string[] }
  | { kind: 'resume'; threadId: string; value: unknown; pauseBefore?: string[] }
  | { kind: 'continue'; threadId: string; pauseBefore?: string[] }
  | { kind: 'replay'; threadId: string; checkpointId: string; pauseBefore?: string[] }

export interface LocalRunResult { run_id: string; thread_id: string; graph: string; settled: Settled }

/** Checks the request against the thread's state before anything is written. */
async function prepare(rt: Runtime, req: LocalRunRequest): Promise<{ graph: string; kwargs: Omit<RunKwargs, 'stream_mode'> }> {
  const graphName = req.kind === 'input' ? req.graph : (await rt.runs.getThread(req.threadId)).graph
  if (!graphName) throw new AppError('CONFLICT', `thread ${req.threadId ?? ''} has no graph`)
  const def = rt.registry.get(graphName)
  const graph = rt.graph(graphName)
  for (const node of req.pauseBefore ?? []) {
    if (!(node in graph.nodes)) throw new AppError('VALIDATION', `graph ${graphName} has no node "${node}"`)
  }
  const base = req.pauseBefore?.length ? { interrupt_before: req.pauseBefore } : {}
  if (req.kind === 'input') return { graph: graphName, kwargs: { ...base, input: def.parseInput(req.input) } }
  const state = await graph.getState({ configurable: { thread_id: req.threadId } })
  const pending = state.tasks.flatMap((t) => t.interrupts)
  if (req.kind === 'resume') {
    if (pending.length === 0) throw new AppError('CONFLICT', `thread ${req.threadId} is not waiting on an interrupt`)
    return { graph: graphName, kwargs: { ...base, command: { resume: req.value } } }
  }
  if (req.kind === 'continue') {
    if (pending.length > 0) throw new AppError('CONFLICT', `thread ${req.threadId} is waiting on an interrupt: answer it with resume`)
    if (state.next.length === 0) throw new AppError('CONFLICT', `thread ${req.threadId} has nothing left to run`)
    return { graph: graphName, kwargs: { ...base, input: null } }
  }
  const tuple = await rt.checkpointer.getTuple({ configurable: { thread_id: req.threadId, checkpoint_ns: '', checkpoint_id: req.checkpointId } })
  if (!tuple) throw new AppError('NOT_FOUND', `unknown checkpoint ${req.checkpointId} on thread ${req.threadId}`)
  return { graph: graphName, kwargs: { ...base, input: null, checkpoint_id: req.checkpointId } }
}

/** Runs left `running` by a process that died: the thread may go on from its last checkpoint. */
async function settleOrphans(rt: Runtime, threadId: string) {
  for (const r of await rt.runs.inflightRuns(threadId)) {
    if (r.status === 'running' && isDeadClaim(r, rt.leases.claimant.workerId)) {
      await rt.runs.finishRun(r.run_id, 'error', 'the process running it died; resume continues from the last checkpoint')
    }
  }
}

/**
 * Runs one run in this process, through the same queue row, runner and event log as the server:
 * queue it already claimed by this process, execute it, and hand every logged event to `onEvent`.
 */
export interface LocalRunHooks {
  /** Called once the run is queued, before it starts. */
  onStart?(run: RunRow): void
  onEvent(ev: StoredEvent): void
}

export async function runLocally(rt: Runtime, req: LocalRunRequest, hooks: LocalRunHooks, signal?: AbortSignal): Promise<LocalRunResult> {
  const { graph, kwargs } = await prepare(rt, req)
  if (req.threadId) await settleOrphans(rt, req.threadId)
  const run = await createRun(rt, {
    threadId: req.threadId, graph, kind: req.kind as RunKind,
    kwargs: { ...kwargs, stream_mode: ['tasks', 'checkpoints', 'messages-tuple', 'custom'] },
    // inserted already claimed: a server watching the same file must not take the CLI's run
    claimHere: true,
  })
  const claimed = run
  hooks.onStart?.(claimed)
  const off = rt.bus.subscribe(run.run_id, (ev) => { if (ev) hooks.onEvent(ev) })
  const onAbort = () => rt.controllers.get(run.run_id)?.abort('interrupt')
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const settled = await executeRun(rt, claimed, { cancelPollMs: 100 })
    return { run_id: run.run_id, thread_id: run.thread_id, graph, settled }
  } finally {
    off()
    signal?.removeEventListener('abort', onAbort)
  }
}
