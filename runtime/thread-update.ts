import { Command } from '@langchain/langgraph'
import { AppError } from '../store/app-error.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'
import { assertCheckpoint, threadAndGraph } from './thread-state.js'

export interface StateUpdate {
  values?: Record<string, unknown> | Record<string, unknown>[] | null
  as_node?: string
  checkpoint_id?: string
  checkpoint?: Record<string, unknown> | null
}

export interface Superstep { updates: { values?: unknown; command?: Record<string, unknown> | null; as_node: string }[] }

async function boundGraph(rt: Runtime, threadId: string) {
  const { thread, graph } = await threadAndGraph(rt, threadId)
  if (!graph || !thread.graph) {
    throw new AppError('VALIDATION', `thread ${threadId} has no graph yet: create it with metadata.graph_id or start a run on it`, { details: { thread_id: threadId } })
  }
  const busy = await rt.store.db.selectFrom('runs').select('run_id').where('thread_id', '=', threadId)
    .where('status', 'in', ['pending', 'running']).executeTakeFirst()
  if (busy) throw new AppError('CONFLICT', `thread ${threadId} is busy (run ${busy.run_id})`, { details: { thread_id: threadId, run_id: busy.run_id } })
  return { name: thread.graph, graph }
}

/** After a manual update the thread waits if its state has work left, like a run that ended there. */
async function settleStatus(rt: Runtime, threadId: string, graph: Awaited<ReturnType<typeof boundGraph>>['graph']) {
  const s = await graph.getState({ configurable: { thread_id: threadId } })
  const status = s.next.length > 0 ? 'interrupted' : 'idle'
  await rt.store.db.updateTable('threads').set({ status, updated_at: new Date().toISOString() }).where('thread_id', '=', threadId).execute()
}

const asValidation = (e: unknown, what: string) =>
  new AppError('VALIDATION', `cannot ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })

/**
 * `POST /threads/{id}/state`: writes `values` as if `as_node` had produced them, on the head or on the given
 * checkpoint (a fork). Answers the new checkpoint's address.
 */
export async function updateThreadState(rt: Runtime, threadId: string, u: StateUpdate): Promise<{ checkpoint: Record<string, unknown> }> {
  const { name, graph } = await boundGraph(rt, threadId)
  const configurable: Record<string, unknown> = { checkpoint_ns: '', ...u.checkpoint, thread_id: threadId }
  if (u.checkpoint_id) configurable.checkpoint_id = u.checkpoint_id
  if (typeof configurable.checkpoint_id === 'string') await assertCheckpoint(rt, threadId, configurable.checkpoint_id, String(configurable.checkpoint_ns))
  if (u.as_node !== undefined && !(u.as_node in graph.nodes) && u.as_node !== '__end__') {
    throw new AppError('VALIDATION', `graph ${name} has no node "${u.as_node}"`, { details: { as_node: u.as_node } })
  }
  let next
  try {
    next = await graph.updateState({ configurable }, u.values ?? null, u.as_node)
  } catch (e) {
    throw asValidation(e, 'update the state')
  }
  await settleStatus(rt, threadId, graph)
  return { checkpoint: next.configurable ?? {} }
}

/** `POST /threads` with `supersteps`: applies each superstep's updates in order (a thread seeded with history). */
export async function applySupersteps(rt: Runtime, threadId: string, supersteps: Superstep[]): Promise<void> {
  const { graph } = await boundGraph(rt, threadId)
  try {
    await graph.bulkUpdateState({ configurable: { thread_id: threadId, checkpoint_ns: '' } }, supersteps.map((s) => ({
      updates: s.updates.map((u) => ({
        values: u.command ? new Command(u.command as ConstructorParameters<typeof Command>[0]) : u.values,
        asNode: u.as_node,
      })),
    })))
  } catch (e) {
    throw asValidation(e, 'apply supersteps')
  }
  await settleStatus(rt, threadId, graph)
  await createThreadRepo(rt.store.db).touch(threadId)
}
