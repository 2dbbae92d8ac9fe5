import type { BaseLanguageModelInput } from '@langchain/core/language_models/base'
import type { BaseMessage } from '@langchain/core/messages'
import { SpanKind, type Attributes, type Span } from '@opentelemetry/api'
import { contentJson, inSpan, traceContent } from './span-helpers.js'
import { ATTR, GEN_AI_OPERATION, SPAN } from './trace-names.js'

/** What a chat span says about the model called: fixed at span start (samplers see it). */
export interface ChatTarget {
  /** `gen_ai.provider.name`: `openai` for OpenAI-compatible endpoints, `switchyard.offline` for the offline model. */
  provider: string
  model: string
  /** Base URL of the endpoint (server.address and server.port come from it). */
  baseURL?: string
  temperature?: number
}

interface ReplyLike {
  text?: string
  tool_calls?: { id?: string; name: string; args: unknown }[]
  response_metadata?: Record<string, unknown>
  usage_metadata?: { input_tokens?: number; output_tokens?: number }
  id?: string
}

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', generic: 'user' }

/** Messages in the GenAI conventions' JSON shape (`{role, parts}`), for the opt-in content attributes. */
export function genAiMessages(input: BaseLanguageModelInput): unknown[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }]
  const list = Array.isArray(input) ? input : 'toChatMessages' in input ? input.toChatMessages() : []
  return list.map((m) => {
    if (typeof m === 'string' || Array.isArray(m) || !('getType' in (m as object))) return { role: 'user', parts: [{ type: 'text', content: JSON.stringify(m) }] }
    const msg = m as BaseMessage & ReplyLike & { tool_call_id?: string }
    const type = msg.getType()
    const parts: unknown[] = []
    if (type === 'tool') parts.push({ type: 'tool_call_response', id: msg.tool_call_id, result: msg.text })
    else if (msg.text) parts.push({ type: 'text', content: msg.text })
    for (const c of msg.tool_calls ?? []) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: c.args })
    return { role: ROLES[type] ?? type, parts }
  })
}

function requestAttributes(t: ChatTarget): Attributes {
  const a: Attributes = { [ATTR.operationName]: GEN_AI_OPERATION.chat, [ATTR.providerName]: t.provider, [ATTR.requestModel]: t.model }
  if (t.temperature !== undefined) a[ATTR.requestTemperature] = t.temperature
  if (t.baseURL) {
    try {
      const u = new URL(t.baseURL)
      a[ATTR.serverAddress] = u.hostname
      a[ATTR.serverPort] = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
    } catch {
      // an unparsable URL fails the request itself; the span just lacks the address
    }
  }
  return a
}

function recordReply(span: Span, t: ChatTarget, reply: ReplyLike): void {
  const meta = reply.response_metadata ?? {}
  const model = typeof meta.model_name === 'string' ? meta.model_name : typeof meta.model === 'string' ? meta.model : t.model
  span.setAttribute(ATTR.responseModel, model)
  if (typeof reply.id === 'string' && reply.id) span.setAttribute(ATTR.responseId, reply.id)
  const finish = meta.finish_reason
  if (typeof finish === 'string') span.setAttribute(ATTR.finishReasons, [finish])
  const usage = reply.usage_metadata
  if (typeof usage?.input_tokens === 'number') span.setAttribute(ATTR.inputTokens, usage.input_tokens)
  if (typeof usage?.output_tokens === 'number') span.setAttribute(ATTR.outputTokens, usage.output_tokens)
}

/**
 * Runs one model call inside an active `chat {model}` span (kind CLIENT), so the HTTP request the
 * client makes (an instrumented `fetch`) is its child. Records the response model, finish reasons and
 * token usage; `error.type` on failure; the messages in and out only with `SWITCHYARD_TRACE_CONTENT=1`.
 */
export function tracedChat<T extends object>(t: ChatTarget, input: BaseLanguageModelInput, call: () => Promise<T>): Promise<T> {
  return inSpan(SPAN.chat(t.model), { kind: SpanKind.CLIENT, attributes: requestAttributes(t) }, async (span) => {
    const content = span.isRecording() && traceContent()
    if (content) span.setAttribute(ATTR.inputMessages, contentJson(genAiMessages(input)))
    const reply = await call()
    if (span.isRecording()) {
      const r = reply as ReplyLike
      recordReply(span, t, r)
      if (content) {
        const finish = r.response_metadata?.finish_reason
        span.setAttribute(ATTR.outputMessages, contentJson([{ ...(genAiMessages([reply as unknown as BaseMessage])[0] as object), ...(typeof finish === 'string' ? { finish_reason: finish } : {}) }]))
      }
    }
    return reply
  })
}
