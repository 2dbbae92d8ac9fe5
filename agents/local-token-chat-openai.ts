import type { MessageContent } from '@langchain/core/messages'
import { ChatOpenAICompletions } from '@langchain/openai'

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
}
