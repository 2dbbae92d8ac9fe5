import type { z } from 'zod'
import { assertCheckpoint, readThreadHistory, readThreadState, type ThreadState } from '../../runtime/thread-state.js'
import { isDict, threadGraph, type CommandAnswer, type CommandContext } from './command-context.js'
import type { ListCheckpointsParams, StateGetParams } from './protocol-frames.js'
import { listNamespaceCheckpoints, readNamespaceState } from './namespace-state.js'
import { protocolFault, relabel } from './protocol-wire.js'

const pick = (values: unknown, keys: string[] | undefined): unknown =>
  keys && isDict(values) ? Object.fromEntries(Object.entries(values).filter(([k]) => keys.includes(k))) : values

/**
 * `state.get`: the head values (only `keys`, if given) and checkpoint, plus `next` and the pending
 * `interrupts`, of the root graph (`namespace` absent or `[]`) or of a subgraph namespace as events name it
 * (`["child:<task id>"]`, its latest checkpoint; `no_such_namespace` if it has none). A thread that does not
 * exist yet (the SDK names threads before their first run) has empty root values.
 */
export async function getState(ctx: CommandContext, p: z.infer<typeof StateGetParams>): Promise<CommandAnswer> {
  const graph = await threadGraph(ctx)
  if (p.namespace && p.namespace.length > 0) {
    const s = await readNamespaceState(ctx, graph, p.namespace)
    const { values, ...rest } = s
    return { result: { values: pick(values, p.keys), ...rest }, meta: { thread_id: ctx.threadId, namespace: p.namespace } }
  }
  if (!graph) return { result: { values: {}, next: [], interrupts: [] } }
  const s = await readThreadState(ctx.rt, ctx.threadId)
  const cp = s.checkpoint
  return {
    result: {
      values: pick(s.values, p.keys),
      ...(cp?.checkpoint_id ? { checkpoint: { id: cp.checkpoint_id, ...(cp.checkpoint_ns ? { ns: cp.checkpoint_ns } : {}) } } : {}),
      next: s.next,
      interrupts: s.tasks.flatMap((t) => t.interrupts),
    },
    meta: { thread_id: ctx.threadId },
  }
}

/** The node(s) whose writes produced a checkpoint: its parent's schedule for a loop step. */
function writerOf(s: ThreadState, older: ThreadState | undefined): string | undefined {
  const source = s.metadata?.source
  if (source === 'input') return '__input__'
  if (source === 'loop' && older && older.checkpoint?.checkpoint_id === s.parent_checkpoint?.checkpoint_id && older.next.length > 0) return older.next.join(',')
  return undefined
}

/**
 * `state.listCheckpoints` (not implemented by the official server): the thread's checkpoints (or, with a
 * `namespace`, a subgraph's: see listNamespaceCheckpoints) newest first, `limit` (default 10) at a time; `before` (a checkpoint id) pages on, `next_before` is the cursor
 * of the next page. Forks and replays add branches; history is never rewritten.
 */
export async function listCheckpoints(ctx: CommandContext, p: z.infer<typeof ListCheckpointsParams>): Promise<CommandAnswer> {
  if (p.namespace && p.namespace.length > 0) {
    if (!(await threadGraph(ctx))) throw protocolFault('no_such_namespace', `thread ${ctx.threadId} has no state in namespace ${JSON.stringify(p.namespace)}`)
    const result = await listNamespaceCheckpoints(ctx, p.namespace, { limit: p.limit ?? 10, before: p.before })
    return { result, meta: { thread_id: ctx.threadId, namespace: p.namespace } }
  }
  if (!(await threadGraph(ctx))) return { result: { checkpoints: [] } }
  if (p.before) await relabel(assertCheckpoint(ctx.rt, ctx.threadId, p.before), 'NOT_FOUND', 'no_such_checkpoint')
  const limit = p.limit ?? 10
  const states = await readThreadHistory(ctx.rt, ctx.threadId, { limit: limit + 1, before: p.before })
  const checkpoints = states.slice(0, limit).map((s, i) => {
    const node = writerOf(s, states[i + 1])
    return {
      id: s.checkpoint?.checkpoint_id,
      timestamp: s.created_at,
      step: typeof s.metadata?.step === 'number' ? s.metadata.step : -1,
      ...(node ? { node_name: node } : {}),
      metadata: { source: s.metadata?.source ?? null, parent_id: s.parent_checkpoint?.checkpoint_id ?? null, next: s.next },
    }
  })
  const more = states.length > limit ? checkpoints.at(-1)?.id : undefined
  return { result: { checkpoints, ...(more ? { next_before: more } : {}) }, meta: { thread_id: ctx.threadId } }
}
