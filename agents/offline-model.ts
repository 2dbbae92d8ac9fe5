import { setTimeout } from 'node:timers/promises'
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager'
import type { BaseLanguageModelInput, ToolDefinition } from '@langchain/core/language_models/base'
import { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { BaseChatModelCallOptions, BindToolsInput } from '@langchain/core/language_models/chat_models'
import type { BaseMessage } from '@langchain/core/messages'
import { AIMessage, AIMessageChunk } from '@langchain/core/messages'
import { ChatGenerationChunk } from '@langchain/core/outputs'
import type { ChatResult } from '@langchain/core/outputs'
import type { Runnable } from '@langchain/core/runnables'
import { convertToOpenAITool } from '@langchain/core/utils/function_calling'
import type { JsonSchema } from './offline-args.js'
import { planOfflineReply } from './offline-policy.js'
import type { OfflineTool } from './offline-policy.js'
import { tracedChat } from './tracing/chat-span.js'

/** Call options of the offline model: the tools bound by `bindTools`, in OpenAI format. */
export interface OfflineCallOptions extends BaseChatModelCallOptions {
  tools?: ToolDefinition[]
}

/** Word-ish pieces whose concatenation is exactly `text`: leading whitespace rides with each piece. */
export function tokenize(text: string): string[] {
  return text.match(/\s*(?:[\p{L}\p{N}_'’-]+|[^\p{L}\p{N}_'’\s-]+)|\s+$/gu) ?? []
}

/**
 * The model used when none is configured, so every workflow runs offline: deterministic (a pure
 * function of the messages and bound tools), streams word-ish tokens and tool-call chunks, and
 * labels every text it writes `[offline model]`. With tools bound it calls `search_docs` once per
 * task, then `submit_handoff` with arguments derived from that tool's JSON Schema.
 *
 * @example
 * const model = new OfflineChatModel()
 * const reply = await model.bindTools([searchTool]).invoke([new HumanMessage('What is a checkpoint?')])
 * reply.tool_calls // [{ name: 'search_docs', args: { query: 'What is a checkpoint?' }, id: 'offline_call_1' }]
 */
export class OfflineChatModel extends BaseChatModel<OfflineCallOptions> {
  readonly tokenDelayMs: number

  /** `tokenDelayMs` paces the token stream like a remote model (demos; tests that cancel or kill mid-node). */
  constructor(opts: { tokenDelayMs?: number } = {}) {
    super({})
    this.tokenDelayMs = opts.tokenDelayMs ?? 0
  }

  static override lc_name(): string {
    return 'OfflineChatModel'
  }

  override _llmType(): string {
    return 'offline'
  }

  /** Every call (bound or not) runs inside a `chat offline` span, as a remote model's does. */
  override invoke(input: BaseLanguageModelInput, options?: OfflineCallOptions): Promise<AIMessageChunk> {
    return tracedChat({ provider: 'switchyard.offline', model: 'offline' }, input, () => super.invoke(input, options))
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<OfflineCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineCallOptions> {
    return this.withConfig({ tools: tools.map((t) => convertToOpenAITool(t)), ...kwargs })
  }

  /** Built from the stream, so `invoke` and `stream` agree and token callbacks fire either way. */
  override async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let all: ChatGenerationChunk | undefined
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) all = all ? all.concat(chunk) : chunk
    const merged = all?.message as AIMessageChunk | undefined
    const calls = merged?.tool_calls ?? []
    // usage in the model's own word-ish tokens, as a remote model reports its own
    const input_tokens = messages.reduce((n, m) => n + tokenize(m.text).length, 0)
    const output_tokens = tokenize(merged?.text ?? '').length + calls.reduce((n, c) => n + tokenize(JSON.stringify(c.args)).length, 0)
    const message = new AIMessage({
      content: merged?.content ?? '', tool_calls: calls,
      usage_metadata: { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens },
      response_metadata: { model_name: 'offline', finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' },
    })
    return { generations: [{ text: message.text, message }] }
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const reply = planOfflineReply(messages, offlineTools(options.tools ?? []))
    const pieces = reply.kind === 'text' ? tokenize(reply.text) : tokenize(JSON.stringify(reply.args))
    for (const [i, piece] of pieces.entries()) {
      if (this.tokenDelayMs > 0) await setTimeout(this.tokenDelayMs, undefined, { signal: options.signal })
      options.signal?.throwIfAborted()
      const message = reply.kind === 'text'
        ? new AIMessageChunk({ content: piece })
        : new AIMessageChunk({
            content: '',
            tool_call_chunks: [{
              type: 'tool_call_chunk', index: 0, args: piece,
              ...(i === 0 ? { id: reply.id, name: reply.name } : {}),
            }],
          })
      const chunk = new ChatGenerationChunk({ text: reply.kind === 'text' ? piece : '', message })
      await runManager?.handleLLMNewToken(chunk.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk })
      yield chunk
    }
  }
}

function offlineTools(defs: ToolDefinition[]): OfflineTool[] {
  return defs.flatMap((d): OfflineTool[] => {
    const fn = (d as Partial<ToolDefinition>).function ?? (d as unknown as ToolDefinition['function'])
    if (!fn || typeof fn.name !== 'string') return []
    return [{ name: fn.name, parameters: (fn.parameters ?? {}) as JsonSchema }]
  })
}
