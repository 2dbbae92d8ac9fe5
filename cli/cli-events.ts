import type { StoredEvent } from '../runtime/event-bus.js'

/** Events the CLI prints (NDJSON with --json), derived from the run's event log. */
export type CliEvent =
  | { type: 'run_start'; run_id: string; thread_id: string; graph: string; kind: string; model: string }
  | { type: 'node_start'; node: string; task_id: string }
  | { type: 'node_end'; node: string; task_id: string; elapsed_ms: number; error?: string; interrupted?: boolean }
  | { type: 'token'; node: string; text: string; tool_call?: boolean }
  | { type: 'checkpoint'; checkpoint_id: string; step: number; next: string[] }
  | { type: 'error'; error: string; message: string }
  /** What a node wrote on LangGraph's custom stream (a YAML step's cache hit or miss, progress). */
  | { type: 'custom'; data: unknown }
  | RunResult

export type RunOutcome = 'success' | 'interrupted' | 'paused' | 'cancelled' | 'error'

export interface InterruptInfo { id: string; node: string; value: unknown }

/** The last line of every run. */
export interface RunResult {
  type: 'result'
  status: RunOutcome
  run_id: string
  thread_id: string
  graph: string
  checkpoint_id: string | null
  next: string[]
  output: unknown
  interrupts: InterruptInfo[]
  error?: { code: string; message: string }
}

interface TaskData { id: string; name: string; error?: unknown; result?: unknown; interrupts?: unknown[] }
interface CheckpointData { config?: { configurable?: { checkpoint_id?: string } }; metadata?: { step?: number }; next?: string[] }
interface MessageData { content?: unknown; tool_call_chunks?: { args?: string }[] }

/**
 * Turns logged run events (Platform API shape: tasks, checkpoints, messages) into CLI events, keeping
 * each task's start time to report how long a node took.
 */
export function createCliMapper(ctx: { threadId: string; graph: string; kind: string; model: string }) {
  const started = new Map<string, number>()
  return (ev: StoredEvent): CliEvent[] => {
    const data = JSON.parse(ev.data) as unknown
    switch (ev.event) {
      case 'metadata': {
        const m = data as { run_id: string }
        return [{ type: 'run_start', run_id: m.run_id, thread_id: ctx.threadId, graph: ctx.graph, kind: ctx.kind, model: ctx.model }]
      }
      case 'tasks': {
        const t = data as TaskData
        if (!('result' in t) && !('error' in t)) {
          started.set(t.id, performance.now())
          return [{ type: 'node_start', node: t.name, task_id: t.id }]
        }
        const e: CliEvent = { type: 'node_end', node: t.name, task_id: t.id, elapsed_ms: Math.round(performance.now() - (started.get(t.id) ?? performance.now())) }
        if (t.error) e.error = typeof t.error === 'string' ? t.error : JSON.stringify(t.error)
        if (t.interrupts && t.interrupts.length > 0) e.interrupted = true
        return [e]
      }
      case 'checkpoints': {
        const c = data as CheckpointData
        return [{ type: 'checkpoint', checkpoint_id: c.config?.configurable?.checkpoint_id ?? '', step: c.metadata?.step ?? -1, next: c.next ?? [] }]
      }
      case 'messages': {
        const [msg, meta] = data as [MessageData, { langgraph_node?: string }]
        const node = meta.langgraph_node ?? ''
        const out: CliEvent[] = []
        if (typeof msg.content === 'string' && msg.content) out.push({ type: 'token', node, text: msg.content })
        // agents answer through tool calls (search_docs, submit_handoff): their arguments stream too
        const args = (msg.tool_call_chunks ?? []).map((c) => c.args ?? '').join('')
        if (args) out.push({ type: 'token', node, text: args, tool_call: true })
        return out
      }
      case 'error':
        return [{ type: 'error', ...(data as { error: string; message: string }) }]
      case 'custom':
        return [{ type: 'custom', data }]
      default:
        return []
    }
  }
}
