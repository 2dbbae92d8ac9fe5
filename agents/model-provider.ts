import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import { z } from 'zod'
import { AppError } from '../store/app-error.js'
import { registerSecret } from '../store/secret-redaction.js'
import { OfflineChatModel } from './offline-model.js'

/** The chat model every agent of a process uses, and how to name it in logs and run records. */
export interface ModelChoice {
  model: BaseChatModel
  /** True when no model is configured and the deterministic {@link OfflineChatModel} answers. */
  offline: boolean
  /** `offline`, or `openai-compatible:<model>@<base URL>`. */
  label: string
}

/** The model used when SWITCHYARD_MODEL is unset. */
export const DEFAULT_MODEL = 'gpt-4o-mini'
const OPENAI_URL = 'https://api.openai.com/v1'

// an exported-but-empty variable (`OPENAI_BASE_URL=`) means "unset", as shells and .env files use it
const unsetIfBlank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const ModelEnv = z.object({
  OPENAI_API_KEY: z.preprocess(unsetIfBlank, z.string().optional()),
  OPENAI_BASE_URL: z.preprocess(
    unsetIfBlank,
    z.url({ protocol: /^https?$/, error: 'OPENAI_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1' }).optional(),
  ),
  SWITCHYARD_MODEL: z.preprocess(unsetIfBlank, z.string().trim().min(1).optional()),
  SWITCHYARD_OFFLINE_DELAY_MS: z.preprocess(unsetIfBlank, z.coerce.number().int().min(0).max(10_000).optional()),
})

/**
 * Picks the chat model from the environment. With OPENAI_API_KEY or OPENAI_BASE_URL set it is an
 * OpenAI-compatible `/chat/completions` client (OpenAI, Ollama, vLLM, llama.cpp; keyless local
 * servers get the placeholder key `not-needed`), model SWITCHYARD_MODEL (default gpt-4o-mini),
 * streaming, temperature 0. Otherwise, or with `SWITCHYARD_MODEL=offline`, the offline model.
 *
 * `@langchain/openai` is imported only then: an offline process never loads it (~300 modules).
 *
 * @throws AppError `VALIDATION` when a variable is malformed (e.g. a non-http base URL).
 * @example
 * const { model, label } = await createChatModel({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', SWITCHYARD_MODEL: 'llama3.1' })
 * label // 'openai-compatible:llama3.1@http://127.0.0.1:11434/v1'
 */
export async function createChatModel(env: NodeJS.ProcessEnv = process.env): Promise<ModelChoice> {
  const parsed = ModelEnv.safeParse(env)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw new AppError('VALIDATION', `invalid model configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      details: { issues },
    })
  }
  const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseURL, SWITCHYARD_MODEL: name, SWITCHYARD_OFFLINE_DELAY_MS: delay } = parsed.data
  if ((!apiKey && !baseURL) || name === 'offline') {
    return { model: new OfflineChatModel({ tokenDelayMs: delay }), offline: true, label: 'offline' }
  }
  registerSecret(apiKey)
  const model = name ?? DEFAULT_MODEL
  // ChatOpenAICompletions, not ChatOpenAI: the latter silently moves some model names to /responses,
  // which local servers do not serve. The base URL is always explicit so the SDK never reads
  // process.env behind the `env` argument's back.
  const { LocalTokenChatOpenAI } = await import('./local-token-chat-openai.js')
  const chat = new LocalTokenChatOpenAI({
    model,
    apiKey: apiKey ?? 'not-needed',
    configuration: { baseURL: baseURL ?? OPENAI_URL },
    streaming: true,
    temperature: 0,
  })
  return { model: chat, offline: false, label: `openai-compatible:${model}@${baseURL ?? 'api.openai.com'}` }
}
