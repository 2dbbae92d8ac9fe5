import type { BaseLanguageModelInput } from '@langchain/core/language_models/base'
import type { AIMessageChunk, MessageContent } from '@langchain/core/messages'
import { ChatOpenAICompletions } from '@langchain/openai'
import { tracedChat } from './tracing/chat-span.js'

/**
 * `ChatOpenAICompletions` with a local token estimate. With `streaming: true`, the stock `invoke`
 * estimates usage with a tiktoken table it downloads from tiktoken.pages.dev, retrying for minutes
 * where there is no internet (the usual place for Ollama, vLLM or llama.cpp) before falling back
 * to characters / 4; this class goes straight to that fallback. Real usage still comes from the server.
 */
export class LocalTokenChatOpenAI extends ChatOpenAICompletions {
  override async getNumTokens(content: MessageContent): Promise<number> {
    const text = typeof content === 'string'
      ? content
      : content.map((part) => (typeof part === 'object' && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('')
    return Math.ceil(text.length / 4)
  }

  /** Every call (bound or not: `bindTools` returns a binding that calls this) runs inside a `chat {model}` span. */
  override invoke(input: BaseLanguageModelInput, options?: Parameters<ChatOpenAICompletions['invoke']>[1]): Promise<AIMessageChunk> {
    const target = { provider: 'openai', model: this.model, baseURL: this.clientConfig?.baseURL ?? undefined, temperature: this.temperature ?? undefined }
    return tracedChat(target, input, () => super.invoke(input, options))
  }
}
