import { isPrefixMatch } from '@langchain/langgraph/stream'
import type { RunRow } from '../../store/run-schema.js'
import { threadGraph, type CommandAnswer, type CommandContext } from './command-context.js'
import { currentRun, threadRuns } from './event-seq.js'
import type { Namespace } from './protocol-wire.js'
import { protocolFault } from './protocol-wire.js'
import { runEvents } from './run-feed.js'

/** One namespace of a run's agent tree and its lifecycle status. */
export interface AgentStatusEntry { namespace: Namespace; status: string; graph_name: string }

/** A node of `agent.getTree`'s answer. */
export interface AgentTreeNode { namespace: Namespace; status: string; graph_name: string; children?: AgentTreeNode[] }

/** Every namespace of a run with its latest lifecycle status, read from the run's protocol events. */
export async function agentStatuses(ctx: CommandContext, run: RunRow): Promise<AgentStatusEntry[]> {
  const byNs = new Map<string, AgentStatusEntry>()
  for await (const ev of runEvents(ctx.rt, run, { live: false })) {
    if (ev.method !== 'lifecycle') continue
    const d = ev.data as { event: string; graph_name?: string }
    byNs.set(ev.namespace.join('\u0000'), { namespace: ev.namespace, status: d.event, graph_name: d.graph_name ?? byNs.get(ev.namespace.join('\u0000'))?.graph_name ?? 'root' })
  }
  return [...byNs.values()]
}

function treeOf(entries: AgentStatusEntry[], at: AgentStatusEntry): AgentTreeNode {
  const children = entries
    .filter((e) => e.namespace.length === at.namespace.length + 1 && isPrefixMatch(e.namespace, at.namespace))
    .sort((a, b) => JSON.stringify(a.namespace).localeCompare(JSON.stringify(b.namespace)))
    .map((e) => treeOf(entries, e))
  return { namespace: at.namespace, status: at.status, graph_name: at.graph_name, ...(children.length > 0 ? { children } : {}) }
}

/**
 * `agent.getTree`: the agent tree of a run (`run_id`, else the thread's current run) — the root graph
 * and every subgraph namespace it entered, each with its lifecycle status.
 */
export async function getAgentTree(ctx: CommandContext, p: { run_id?: string }): Promise<CommandAnswer> {
  const runs = await threadRuns(ctx.rt, ctx.threadId)
  const target = p.run_id ? runs.find((r) => r.run.run_id === p.run_id) : currentRun(runs, ctx.session?.lastRunId)
  if (p.run_id && !target) throw protocolFault('no_such_run', `thread ${ctx.threadId} has no run ${p.run_id}`)
  if (!target) return { result: { tree: { namespace: [], status: 'started', graph_name: (await threadGraph(ctx)) ?? 'root' } } }
  const entries = await agentStatuses(ctx, target.run)
  const root = entries.find((e) => e.namespace.length === 0) ?? { namespace: [], status: 'running', graph_name: target.run.graph }
  return { result: { tree: treeOf(entries, root), run_id: target.run.run_id }, meta: { thread_id: ctx.threadId } }
}
