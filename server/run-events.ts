import type { AIMessageChunk } from '@langchain/core/messages'

/** Events of a run, as the event log stores them and every reader (CLI, later SSE/WS) receives them. */
export type RunEvent =
  | { type: 'run_start'; run_id: string; thread_id: string; graph: string; kind: string; model: string }
  | { type: 'node_start'; node: string; task_id: string }
  | { type: 'node_end'; node: string; task_id: string; elapsed_ms: number; error?: string; interrupted?: boolean }
  | { type: 'token'; node: string; text: string; tool_call?: boolean }
  | { type: 'checkpoint'; checkpoint_id: string; step: number; next: string[] }
  | RunResult

export type RunOutcome = 'success' | 'interrupted' | 'paused' | 'cancelled' | 'error'

export interface InterruptInfo { id: string; node: string; value: unknown }

/** The last event of every run. */
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

interface TaskChunk { id: string; name: string; error?: unknown; result?: unknown; interrupts?: unknown[]; input?: unknown }
interface CheckpointChunk { config: { configurable?: { checkpoint_id?: string } }; metadata?: { step?: number }; next: string[] }

/**
 * Turns one `graph.stream` chunk (stream modes tasks, checkpoints, messages) into zero or more run events.
 * Keeps the start time of each task to report how long a node took.
 */
export function createEventMapper() {
  const started = new Map<string, number>()
  return (mode: string, chunk: unknown): RunEvent[] => {
    if (mode === 'tasks') {
      const t = chunk as TaskChunk
      if (!('result' in t) && !('error' in t)) {
        started.set(t.id, performance.now())
        return [{ type: 'node_start', node: t.name, task_id: t.id }]
      }
      const t0 = started.get(t.id) ?? performance.now()
      started.delete(t.id)
      const ev: RunEvent = { type: 'node_end', node: t.name, task_id: t.id, elapsed_ms: Math.round(performance.now() - t0) }
      if (t.error) ev.error = t.error instanceof Error ? t.error.message : String(t.error)
      if (t.interrupts && t.interrupts.length > 0) ev.interrupted = true
      return [ev]
    }
    if (mode === 'checkpoints') {
      const c = chunk as CheckpointChunk
      return [{ type: 'checkpoint', checkpoint_id: c.config.configurable?.checkpoint_id ?? '', step: c.metadata?.step ?? -1, next: c.next }]
    }
    if (mode === 'messages') {
      const [msg, meta] = chunk as [AIMessageChunk, { langgraph_node?: string }]
      const node = meta.langgraph_node ?? ''
      const text = typeof msg.content === 'string' ? msg.content : ''
      // agents answer through tool calls (search_docs, submit_handoff): their arguments stream too
      const args = (msg.tool_call_chunks ?? []).map((c) => c.args ?? '').join('')
      const out: RunEvent[] = []
      if (text) out.push({ type: 'token', node, text })
      if (args) out.push({ type: 'token', node, text: args, tool_call: true })
      return out
    }
    return []
  }
}
