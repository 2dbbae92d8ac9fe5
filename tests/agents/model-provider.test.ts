import { ChatOpenAICompletions } from '@langchain/openai'
import { describe, expect, it } from 'vitest'
import { createChatModel } from '../../agents/model-provider.js'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { isAppError } from '../../store/app-error.js'

describe('createChatModel', async () => {
  it('is offline without OPENAI_API_KEY or OPENAI_BASE_URL', async () => {
    const choice = await createChatModel({ SWITCHYARD_MODEL: 'llama3.1', OPENAI_BASE_URL: '' })
    expect(choice).toMatchObject({ offline: true, label: 'offline' })
    expect(choice.model).toBeInstanceOf(OfflineChatModel)
  })

  it('uses /chat/completions against a keyless local server', async () => {
    const { model, offline, label } = await createChatModel({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', SWITCHYARD_MODEL: 'llama3.1' })
    expect(offline).toBe(false)
    expect(label).toBe('openai-compatible:llama3.1@http://127.0.0.1:11434/v1')
    expect(model).toBeInstanceOf(ChatOpenAICompletions)
    const chat = model as ChatOpenAICompletions
    expect(chat.model).toBe('llama3.1')
    expect(chat.apiKey).toBe('not-needed')
    expect(chat.streaming).toBe(true)
    expect(chat.temperature).toBe(0)
  })

  it('estimates tokens without downloading a tiktoken table', async () => {
    const { model } = await createChatModel({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })
    expect(await model.getNumTokens('12345678')).toBe(2)
  })

  it('defaults to gpt-4o-mini on api.openai.com with a key, and SWITCHYARD_MODEL=offline forces offline', async () => {
    const { model, label } = await createChatModel({ OPENAI_API_KEY: 'sk-test' })
    expect(label).toBe('openai-compatible:gpt-4o-mini@api.openai.com')
    expect((model as ChatOpenAICompletions).apiKey).toBe('sk-test')
    expect((await createChatModel({ OPENAI_API_KEY: 'sk-test', SWITCHYARD_MODEL: 'offline' })).offline).toBe(true)
  })

  it('rejects a malformed base URL with a VALIDATION AppError', async () => {
    for (const url of ['not a url', 'ftp://example.com/v1']) {
      let caught: unknown
      try {
        await createChatModel({ OPENAI_BASE_URL: url })
      } catch (e) {
        caught = e
      }
      expect(isAppError(caught)).toBe(true)
      expect(caught).toMatchObject({ code: 'VALIDATION', details: { issues: [expect.objectContaining({ path: 'OPENAI_BASE_URL' })] } })
    }
  })
})
