/** A message of a chat completions request, loosely typed: the fake reads only a few fields. */
export interface FakeChatMessage {
  role: string
  content?: unknown
  tool_calls?: { id: string; function: { name: string; arguments: string } }[]
  tool_call_id?: string
}

/** The parts of a `POST /v1/chat/completions` body the fake and its scripts look at. */
export interface ChatCompletionRequest {
  model: string
  messages: FakeChatMessage[]
  tools?: { type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  [key: string]: unknown
}

/** A tool call the fake model makes; object arguments are JSON-encoded, strings sent as they are. */
export interface FakeToolCall {
  name: string
  arguments: unknown
}

/** What the fake answers: prose, tool calls, or an HTTP error. */
export type FakeReply = string | { text: string } | { toolCalls: FakeToolCall[] } | { status: number; error: string }

/** Decides the reply to one request; `index` counts requests from 0; `headers` are the request's (lower-case names). */
export type FakeScript = (body: ChatCompletionRequest, index: number, headers?: Readonly<Record<string, string | string[] | undefined>>) => FakeReply | Promise<FakeReply>

type Schema = Record<string, unknown>

/**
 * Arguments from a JSON Schema, deliberately unlike the offline model's: strings are
 * `fake-llm <field>`, enums take their LAST option, numbers are 2 (clamped), booleans true.
 */
export function fakeArgs(schema: Schema, name = 'value', depth = 0): unknown {
  if (depth > 8) return null
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum.at(-1)
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
  if (Array.isArray(union)) return fakeArgs(union.find((s) => s.type !== 'null') ?? {}, name, depth + 1)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if (type === 'object' || schema.properties) {
    const props = (schema.properties ?? {}) as Record<string, Schema>
    return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fakeArgs(s, k, depth + 1)]))
  }
  if (type === 'array') {
    const count = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 1, 1)
    return Array.from({ length: count }, () => fakeArgs((schema.items ?? {}) as Schema, name, depth + 1))
  }
  if (type === 'number' || type === 'integer') {
    const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity
    const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity
    return Math.min(Math.max(2, min), max)
  }
  if (type === 'boolean') return true
  if (type === 'null') return null
  const text = `fake-llm ${name}`
  return typeof schema.minLength === 'number' ? text.padEnd(schema.minLength, '.') : text
}

/** Plain text of a message's content (string or content parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String(p.text) : '')).join('')
  return ''
}

/**
 * The default script: `search_docs` first (query = the last user message) when it is offered and
 * not yet answered, then `submit_handoff` with {@link fakeArgs} of its parameters, else
 * "fake-llm says hello".
 */
export const defaultFakeScript: FakeScript = (body) => {
  const tools = new Map((body.tools ?? []).map((t) => [t.function.name, t.function]))
  const lastUser = body.messages.map((m) => m.role).lastIndexOf('user')
  const answered = body.messages.slice(lastUser + 1).some((m) => m.role === 'tool')
  if (tools.has('search_docs') && !answered) {
    return { toolCalls: [{ name: 'search_docs', arguments: { query: contentText(body.messages[lastUser]?.content) } }] }
  }
  const handoff = tools.get('submit_handoff')
  if (handoff) return { toolCalls: [{ name: 'submit_handoff', arguments: fakeArgs(handoff.parameters ?? {}) }] }
  return 'fake-llm says hello'
}
