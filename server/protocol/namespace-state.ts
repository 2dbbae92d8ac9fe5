import type { CheckpointTuple } from '@langchain/langgraph-checkpoint'
import type { AnyGraph } from '../../graphs/registry.js'
import { isDict, type CommandContext } from './command-context.js'
import { protocolFault, type Namespace } from './protocol-wire.js'

/** The state of one namespace of the thread's agent tree, at its latest checkpoint. */
export interface NamespaceState {
  values: unknown
  checkpoint: { id: string; ns: string }
  /** Only when the subgraph is declared as a node (its edges say what runs next). */
  next?: string[]
  interrupts: { id?: string; value: unknown }[]
}

/** `["child:<task id>", ...]` → LangGraph's `checkpoint_ns` (`child:<task id>|...`). */
export function checkpointNsOf(ns: Namespace): string {
  if (ns.some((s) => s.length === 0 || s.includes('|'))) {
    throw protocolFault('invalid_argument', `namespace segments are "node:task_id" strings without "|" (got ${JSON.stringify(ns)})`)
  }
  return ns.join('|')
}

// channels LangGraph adds to a graph's own (`__start__`, `branch:to:x`, `__pregel_tasks` ...)
const isInternalChannel = (k: string) => (k.startsWith('__') && k !== '__root__') || k.includes(':')

/** A checkpoint's channel values as state values: what a subgraph no node declares leaves (there is no graph to read them with). */
function rawValues(t: CheckpointTuple): unknown {
  const channels = t.checkpoint.channel_values
  if ('__root__' in channels) return channels.__root__
  return Object.fromEntries(Object.entries(channels).filter(([k]) => !isInternalChannel(k)))
}

/** Interrupts among a checkpoint's pending writes (`[task, "__interrupt__", Interrupt[]]`). */
function rawInterrupts(t: CheckpointTuple): NamespaceState['interrupts'] {
  return (t.pendingWrites ?? []).flatMap(([, channel, value]) => channel === '__interrupt__' && Array.isArray(value) ? value : [])
    .filter((i): i is { id?: string; value: unknown } => isDict(i) && 'value' in i)
}

async function isDeclared(graph: AnyGraph, checkpointNs: string): Promise<boolean> {
  const recast = checkpointNs.split('|').filter((p) => !/^\d+$/.test(p)).map((p) => p.split(':')[0]).join('|')
  for await (const [name] of graph.getSubgraphsAsync(recast, true)) if (name === recast) return true
  return false
}

/**
 * The latest state of a subgraph namespace of the thread (`no_such_namespace` if it never checkpointed
 * there). A subgraph declared as a node is read through its graph (values, `next`, interrupts), exactly as
 * LangGraph's `getState` does; one that a node invokes itself (a tool, a YAML workflow step) is read from
 * its checkpoint: its state channels and pending interrupts, no `next` (the parent graph cannot know its edges).
 */
export async function readNamespaceState(ctx: CommandContext, graphName: string | undefined, ns: Namespace): Promise<NamespaceState> {
  const checkpointNs = checkpointNsOf(ns)
  const config = { configurable: { thread_id: ctx.threadId, checkpoint_ns: checkpointNs } }
  const tuple = graphName ? await ctx.rt.checkpointer.getTuple(config) : undefined
  if (!graphName || !tuple) {
    throw protocolFault('no_such_namespace', `thread ${ctx.threadId} has no state in namespace ${JSON.stringify(ns)}`, { details: { namespace: ns } })
  }
  const checkpoint = { id: tuple.checkpoint.id, ns: checkpointNs }
  const graph = ctx.rt.graph(graphName)
  if (!(await isDeclared(graph, checkpointNs))) return { values: rawValues(tuple), checkpoint, interrupts: rawInterrupts(tuple) }
  const s = await graph.getState(config)
  const interrupts = s.tasks.flatMap((t) => t.interrupts) as NamespaceState['interrupts']
  return { values: s.values, checkpoint, next: [...s.next], interrupts }
}

/**
 * `state.listCheckpoints` in a subgraph namespace: its checkpoints newest first, `limit` at a time,
 * `before` (a checkpoint id of that namespace) pages on. Entries carry id, timestamp, step and
 * `metadata.source` / `parent_id`; not `next` (a subgraph a node invokes has no edges to read it from).
 */
export async function listNamespaceCheckpoints(ctx: CommandContext, ns: Namespace, p: { limit: number; before?: string }) {
  const checkpointNs = checkpointNsOf(ns)
  const at = (id?: string) => ({ configurable: { thread_id: ctx.threadId, checkpoint_ns: checkpointNs, ...(id ? { checkpoint_id: id } : {}) } })
  if (!(await ctx.rt.checkpointer.getTuple(at()))) {
    throw protocolFault('no_such_namespace', `thread ${ctx.threadId} has no state in namespace ${JSON.stringify(ns)}`, { details: { namespace: ns } })
  }
  if (p.before && !(await ctx.rt.checkpointer.getTuple(at(p.before)))) {
    throw protocolFault('no_such_checkpoint', `no checkpoint ${p.before} in namespace ${JSON.stringify(ns)}`, { details: { namespace: ns, checkpoint_id: p.before } })
  }
  const tuples: CheckpointTuple[] = []
  for await (const t of ctx.rt.checkpointer.list(at(), { limit: p.limit + 1, ...(p.before ? { before: at(p.before) } : {}) })) tuples.push(t)
  const checkpoints = tuples.slice(0, p.limit).map((t) => ({
    id: t.checkpoint.id,
    timestamp: t.checkpoint.ts,
    step: typeof t.metadata?.step === 'number' ? t.metadata.step : -1,
    metadata: { source: t.metadata?.source ?? null, parent_id: t.parentConfig?.configurable?.checkpoint_id ?? null },
  }))
  const more = tuples.length > p.limit ? checkpoints.at(-1)?.id : undefined
  return { checkpoints, ...(more ? { next_before: more } : {}) }
}
