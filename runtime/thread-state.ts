import type { StateSnapshot } from '@langchain/langgraph'
import { AppError } from '../store/app-error.js'
import type { ThreadRow } from '../store/run-schema.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'

type Configurable = Record<string, unknown> | undefined
interface ConfigLike { configurable?: Configurable }

/** A checkpoint's address as the Platform API writes it. */
export interface CheckpointRef { thread_id: string; checkpoint_ns: string; checkpoint_id: string | null; checkpoint_map: Record<string, unknown> | null }

/** `ThreadState` of the Platform API. */
export interface ThreadState {
  values: unknown
  next: string[]
  tasks: { id: string; name: string; error: string | null; interrupts: unknown[]; checkpoint: unknown; state: ThreadState | null; result: unknown }[]
  metadata: Record<string, unknown> | undefined
  created_at: string | null
  checkpoint: CheckpointRef | null
  parent_checkpoint: CheckpointRef | null
}

export function checkpointRef(config: ConfigLike | undefined): CheckpointRef | null {
  const c = config?.configurable
  if (typeof c?.thread_id !== 'string' || typeof c.checkpoint_id !== 'string') return null
  return {
    thread_id: c.thread_id, checkpoint_ns: typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : '', checkpoint_id: c.checkpoint_id,
    checkpoint_map: (c.checkpoint_map as Record<string, unknown> | undefined) ?? null,
  }
}

const errorMessage = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e)

const isSnapshot = (s: unknown): s is StateSnapshot => typeof s === 'object' && s !== null && 'values' in s && 'next' in s

/** A LangGraph state snapshot in the Platform API's shape. */
export function toThreadState(s: StateSnapshot): ThreadState {
  const metadata = s.metadata ? { ...(s.metadata as Record<string, unknown>) } : undefined
  if (metadata?.checkpoint_ns === '') delete metadata.checkpoint_ns
  return {
    values: s.values,
    next: [...s.next],
    tasks: s.tasks.map((t) => ({
      id: t.id, name: t.name,
      error: t.error != null ? errorMessage(t.error) : null,
      interrupts: t.interrupts,
      checkpoint: t.state && !isSnapshot(t.state) ? (t.state.configurable ?? null) : null,
      state: isSnapshot(t.state) ? toThreadState(t.state) : null,
      result: t.result ?? null,
    })),
    metadata,
    created_at: s.createdAt ?? null,
    checkpoint: checkpointRef(s.config),
    parent_checkpoint: checkpointRef(s.parentConfig),
  }
}

/** The state of a thread that has no graph (created over HTTP, never run). */
export const EMPTY_STATE: ThreadState = { values: {}, next: [], tasks: [], metadata: undefined, created_at: null, checkpoint: null, parent_checkpoint: null }

/** Throws NOT_FOUND unless the thread has a checkpoint with that id (in namespace `ns`). */
export async function assertCheckpoint(rt: Runtime, threadId: string, checkpointId: string, ns = ''): Promise<void> {
  const t = await rt.checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } })
  if (!t) throw new AppError('NOT_FOUND', `thread ${threadId} has no checkpoint ${checkpointId}`, { details: { thread_id: threadId, checkpoint_id: checkpointId } })
}

/** The thread row and its compiled graph (undefined until the thread is bound to one). */
export async function threadAndGraph(rt: Runtime, threadId: string) {
  const thread: ThreadRow = await createThreadRepo(rt.store.db).get(threadId)
  return { thread, graph: thread.graph ? rt.graph(thread.graph) : undefined }
}

/** `GET /threads/{id}/state[/{checkpoint_id}]`: the head state, or the state at one checkpoint. */
export async function readThreadState(rt: Runtime, threadId: string, opts: { checkpoint?: Record<string, unknown>; subgraphs?: boolean } = {}): Promise<ThreadState> {
  const { graph } = await threadAndGraph(rt, threadId)
  const id = opts.checkpoint?.checkpoint_id
  const ns = typeof opts.checkpoint?.checkpoint_ns === 'string' ? opts.checkpoint.checkpoint_ns : ''
  if (typeof id === 'string') await assertCheckpoint(rt, threadId, id, ns)
  if (!graph) return EMPTY_STATE
  const snapshot = await graph.getState({ configurable: { ...opts.checkpoint, thread_id: threadId } }, { subgraphs: opts.subgraphs ?? false })
  return toThreadState(snapshot)
}

/**
 * `POST /threads/{id}/history`: checkpoints newest first, `before` one, matching `metadata`. `pick`
 * shapes each state as it is read (a `select`), so the ones left out (a timeline's `values`) are not
 * all kept until the response is written.
 */
export async function readThreadHistory<T = ThreadState>(rt: Runtime, threadId: string, q: { limit: number; before?: string; metadata?: Record<string, unknown>; checkpoint?: Record<string, unknown> }, pick?: (s: ThreadState) => T): Promise<T[]> {
  const { graph } = await threadAndGraph(rt, threadId)
  if (!graph) return []
  const out: T[] = []
  const config = { configurable: { checkpoint_ns: '', ...q.checkpoint, thread_id: threadId } }
  const before = q.before !== undefined ? { configurable: { checkpoint_id: q.before } } : undefined
  for await (const s of graph.getStateHistory(config, { limit: q.limit, before, filter: q.metadata })) {
    const state = toThreadState(s)
    out.push(pick ? pick(state) : state as T)
  }
  return out
}
