import type { BaseMessage } from '@langchain/core/messages'
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages'
import { OFFLINE_PREFIX, offlineArgs, quoteResults, shorten } from './offline-args.js'
import type { JsonSchema, NumberedResult } from './offline-args.js'
import { HANDOFF_TOOL_NAME as HANDOFF_TOOL } from './handoff.js'
import { SEARCH_TOOL_NAME as SEARCH_TOOL } from './retriever-tool.js'

/** A bound tool as the offline model sees it: a name and its JSON Schema parameters. */
export interface OfflineTool {
  name: string
  parameters: JsonSchema
}

/** What the offline model answers next: prose, or one tool call. */
export type OfflineReply =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; args: Record<string, unknown> }


/**
 * The offline model's whole decision, a pure function of the conversation and the bound tools:
 * search first (once per task), then submit the handoff, else answer in prose.
 */
export function planOfflineReply(messages: BaseMessage[], tools: OfflineTool[]): OfflineReply {
  const lastHuman = findLastIndex(messages, (m) => HumanMessage.isInstance(m))
  const task = lastHuman >= 0 ? (messages[lastHuman]?.text ?? '') : ''
  const since = messages.slice(lastHuman + 1)
  const searchOutputs = toolOutputs(since, SEARCH_TOOL)
  const results = parseResults(searchOutputs)
  const id = `offline_call_${countToolCalls(messages) + 1}`

  const search = tools.find((t) => t.name === SEARCH_TOOL)
  if (search && searchOutputs.length === 0) {
    return { kind: 'tool', id, name: SEARCH_TOOL, args: { query: task } }
  }
  const handoff = tools.find((t) => t.name === HANDOFF_TOOL)
  if (handoff) {
    const args = offlineArgs(handoff.parameters, { task, results })
    return { kind: 'tool', id, name: HANDOFF_TOOL, args: isRecord(args) ? args : { value: args } }
  }
  const about = `${OFFLINE_PREFIX} No language model is configured (set OPENAI_API_KEY or OPENAI_BASE_URL); deterministic reply to: "${shorten(task, 200)}".`
  return { kind: 'text', text: results.length > 0 ? `${about} Retrieved: ${quoteResults(results)}` : about }
}

/**
 * Reads numbered search output: a header line `[n] title (source)` followed by the chunk text.
 * The first occurrence of each number wins.
 */
export function parseResults(outputs: string[]): NumberedResult[] {
  const found = new Map<number, NumberedResult>()
  for (const output of outputs) {
    let current: { n: number; title: string; body: string[] } | undefined
    const flush = () => {
      if (!current || found.has(current.n)) return
      found.set(current.n, { n: current.n, title: current.title, sentence: firstSentence(current.body.join(' ') || current.title) })
    }
    for (const line of output.split('\n')) {
      const header = /^\[(\d+)\]\s*(.*)$/.exec(line.trim())
      if (header) {
        flush()
        current = { n: Number(header[1]), title: (header[2] ?? '').replace(/\s*\([^)]*\)\s*$/, ''), body: [] }
      } else if (current && line.trim()) {
        current.body.push(line.trim())
      }
    }
    flush()
  }
  return [...found.values()]
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const end = /[.!?](\s|$)/.exec(flat)
  return shorten(end ? flat.slice(0, end.index + 1) : flat, 200).replace(/"/g, "'")
}

function toolOutputs(messages: BaseMessage[], name: string): string[] {
  const callNames = new Map<string, string>()
  for (const m of messages) {
    if (AIMessage.isInstance(m)) for (const c of m.tool_calls ?? []) if (c.id) callNames.set(c.id, c.name)
  }
  return messages
    .filter((m): m is ToolMessage => ToolMessage.isInstance(m))
    .filter((m) => (m.name ?? callNames.get(m.tool_call_id)) === name)
    .map((m) => m.text)
}

function countToolCalls(messages: BaseMessage[]): number {
  return messages.reduce((n, m) => n + (AIMessage.isInstance(m) ? (m.tool_calls?.length ?? 0) : 0), 0)
}

function findLastIndex<T>(items: T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i] as T)) return i
  return -1
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
