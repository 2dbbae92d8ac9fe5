import { AppError } from '../store/app-error.js'
import type { Runtime } from './runtime.js'

/** One checkpoint of a thread, as `history` shows it. */
export interface HistoryEntry {
  checkpoint_id: string
  parent_checkpoint_id: string | null
  step: number
  source: string
  /** Nodes whose writes produced this checkpoint. */
  writes: string[]
  next: string[]
  created_at: string | null
  interrupts: unknown[]
  values: unknown
}

async function graphOf(rt: Runtime, threadId: string) {
  const t = await rt.runs.getThread(threadId)
  if (!t.graph) throw new AppError('CONFLICT', `thread ${threadId} has no graph`)
  return { name: t.graph, graph: rt.graph(t.graph) }
}

/** Every checkpoint of a thread, newest first. History is never rewritten: forks and replays add to it. */
export async function threadHistory(rt: Runtime, threadId: string, limit?: number): Promise<HistoryEntry[]> {
  const { graph } = await graphOf(rt, threadId)
  const out: HistoryEntry[] = []
  for await (const s of graph.getStateHistory({ configurable: { thread_id: threadId } }, limit ? { limit } : undefined)) {
    const meta = (s.metadata ?? {}) as { step?: number; source?: string }
    out.push({
      checkpoint_id: String(s.config.configurable?.checkpoint_id),
      parent_checkpoint_id: (s.parentConfig?.configurable?.checkpoint_id as string | undefined) ?? null,
      step: meta.step ?? -1,
      source: meta.source ?? '',
      writes: [],
      next: [...s.next],
      created_at: s.createdAt ?? null,
      interrupts: s.tasks.flatMap((t) => t.interrupts.map((i) => i.value)),
      values: s.values,
    })
  }
  // LangGraph 1.x no longer records writes in checkpoint metadata: a step's checkpoint was written by
  // the nodes its parent had scheduled; an input or a fork (update) by the caller.
  const byId = new Map(out.map((e) => [e.checkpoint_id, e]))
  for (const e of out) {
    const parent = e.parent_checkpoint_id ? byId.get(e.parent_checkpoint_id) : undefined
    e.writes = e.source === 'loop' && parent ? parent.next : e.source === 'input' ? ['__input__'] : e.source === 'update' ? ['(fork)'] : []
  }
  return out
}

/**
 * Forks a thread at a checkpoint: writes `update` as if `asNode` had produced it, on top of that checkpoint.
 * The new checkpoint becomes the thread's head; the old branch stays in history.
 */
export async function forkThread(rt: Runtime, args: { threadId: string; checkpointId: string; update: Record<string, unknown>; asNode?: string }) {
  const { name, graph } = await graphOf(rt, args.threadId)
  const at = { configurable: { thread_id: args.threadId, checkpoint_ns: '', checkpoint_id: args.checkpointId } }
  if (!(await rt.checkpointer.getTuple(at))) throw new AppError('NOT_FOUND', `unknown checkpoint ${args.checkpointId} on thread ${args.threadId}`)
  if (args.asNode !== undefined && !(args.asNode in graph.nodes)) throw new AppError('VALIDATION', `graph ${name} has no node "${args.asNode}"`)
  let cfg
  try {
    cfg = await graph.updateState(at, args.update, args.asNode)
  } catch (e) {
    throw new AppError('VALIDATION', `cannot fork: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
  const state = await graph.getState({ configurable: { thread_id: args.threadId } })
  return { thread_id: args.threadId, checkpoint_id: String(cfg.configurable?.checkpoint_id), parent_checkpoint_id: args.checkpointId, next: [...state.next] }
}

/** Asks every running run of the thread to stop; the process running it aborts within its poll interval. */
export async function cancelThread(rt: Runtime, threadId: string): Promise<{ thread_id: string; cancelled: number }> {
  await rt.runs.getThread(threadId)
  const cancelled = await rt.runs.requestCancel(threadId)
  rt.signals.send('cancels')
  return { thread_id: threadId, cancelled }
}
