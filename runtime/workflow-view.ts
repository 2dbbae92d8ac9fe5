import type { ThreadRow } from '../store/run-schema.js'
import type { Runtime } from './runtime.js'

/** seed 002's workflow statuses, derived from the thread and its state. */
export type WorkflowStatus = 'created' | 'running' | 'waiting_for_human' | 'completed' | 'failed'

export interface WorkflowStep { step: number; agent: string; result: unknown }

interface WorkflowMeta { workflow?: { task?: string; name?: string } }

/** A workflow as the façade shows it: a thread seen through seed 002's words. */
export async function workflowView(rt: Runtime, t: ThreadRow, withSteps = true) {
  const meta = (JSON.parse(t.metadata) as WorkflowMeta).workflow ?? {}
  const graph = t.graph ?? 'team'
  const state = await rt.graph(graph).getState({ configurable: { thread_id: t.thread_id } })
  const values = (state.values ?? {}) as Record<string, unknown>
  const started = state.config.configurable?.checkpoint_id !== undefined
  const interrupts = state.tasks.flatMap((x) => x.interrupts.map((i) => ({ id: i.id, node: x.name, value: i.value })))
  const status: WorkflowStatus = t.status === 'busy' ? 'running' : t.status === 'error' ? 'failed'
    : interrupts.length > 0 || (t.status === 'interrupted' && state.next.length > 0) ? 'waiting_for_human'
      : started ? 'completed' : 'created'
  return {
    workflow_id: t.thread_id,
    name: meta.name ?? null,
    task: meta.task ?? (values.task as string | undefined) ?? null,
    graph,
    status,
    created_at: t.created_at,
    updated_at: t.updated_at,
    ...(withSteps ? { steps: stepsOf(graph, values), pending: interrupts, output: status === 'completed' ? values : undefined } : {}),
  }
}

/** The steps with agent and result: the team's own step log; for sdlc, each phase's artifact and the human's decision. */
function stepsOf(graph: string, v: Record<string, unknown>): WorkflowStep[] {
  if (graph === 'team' && Array.isArray(v.steps)) return v.steps as WorkflowStep[]
  if (graph === 'sdlc' && Array.isArray(v.log)) {
    const artifacts = (v.artifacts ?? {}) as Record<string, unknown>
    return (v.log as { phase: string; decision: string; reason?: string }[]).map((l, i) => ({
      step: i + 1, agent: l.phase, result: { decision: l.decision, ...(l.reason ? { reason: l.reason } : {}), artifact: artifacts[l.phase] },
    }))
  }
  return []
}
