import type { EmbeddingsInterface } from '@langchain/core/embeddings'
import type { ClientOptions, OpenAIEmbeddingsParams } from '@langchain/openai'
import { z } from 'zod'
import { AppError } from '../store/app-error.js'
import { redactError, registerSecret } from '../store/secret-redaction.js'

/** An embedding client and the names that identify its vectors (one vector index per model + dimension). */
export interface EmbeddingsConfig {
  embeddings: EmbeddingsInterface
  model: string
  /** Requested output size (text-embedding-3 models); otherwise learnt from the first vectors. */
  dimensions?: number
  /** `openai-compatible:<model>@<base URL>`, for logs. */
  label: string
}

const OPENAI_URL = 'https://api.openai.com/v1'

/**
 * `OpenAIEmbeddings`, constructed on the first call: `@langchain/openai` (and the `openai` SDK under it,
 * ~300 modules) is loaded only by a process that embeds something, not by every one that reads the env.
 */
function lazyOpenAIEmbeddings(params: Partial<OpenAIEmbeddingsParams> & { apiKey: string; configuration: ClientOptions }): EmbeddingsInterface {
  let client: Promise<EmbeddingsInterface> | undefined
  const get = () => (client ??= import('@langchain/openai').then(({ OpenAIEmbeddings }) => new OpenAIEmbeddings(params)))
  return {
    // an endpoint may quote the key it refused: the error is redacted before a run, log or span sees it
    embedDocuments: async (documents) => (await get()).embedDocuments(documents).catch((e: unknown) => { throw redactError(e) }),
    embedQuery: async (document) => (await get()).embedQuery(document).catch((e: unknown) => { throw redactError(e) }),
  }
}
const unsetIfBlank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const optional = <T extends z.ZodType>(t: T) => z.preprocess(unsetIfBlank, t.optional())
const int = (min: number, max: number) => optional(z.coerce.number().int().min(min).max(max))
const url = optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:11434/v1' }))

const EmbeddingsEnv = z.object({
  SWITCHYARD_EMBEDDINGS_MODEL: optional(z.string().trim().min(1)),
  SWITCHYARD_EMBEDDINGS_BASE_URL: url,
  SWITCHYARD_EMBEDDINGS_API_KEY: optional(z.string()),
  SWITCHYARD_EMBEDDINGS_DIMENSIONS: int(1, 8192),
  SWITCHYARD_EMBEDDINGS_BATCH_SIZE: int(1, 2048),
  SWITCHYARD_EMBEDDINGS_MAX_RETRIES: int(0, 20),
  SWITCHYARD_EMBEDDINGS_TIMEOUT_MS: int(100, 600_000),
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: optional(z.string()),
})

/**
 * The embedding client configured by the environment, or undefined when `SWITCHYARD_EMBEDDINGS_MODEL`
 * is unset (retrieval then stays lexical: BM25 only). An OpenAI-compatible `/embeddings` client
 * (OpenAI, Ollama, vLLM, llama.cpp, LM Studio):
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `SWITCHYARD_EMBEDDINGS_MODEL` | model name; enables vectors | unset = no vectors |
 * | `SWITCHYARD_EMBEDDINGS_BASE_URL` | endpoint, e.g. `http://127.0.0.1:11434/v1` | `OPENAI_BASE_URL`, else api.openai.com |
 * | `SWITCHYARD_EMBEDDINGS_API_KEY` | bearer key | `OPENAI_API_KEY`, else `not-needed` (keyless local servers) |
 * | `SWITCHYARD_EMBEDDINGS_DIMENSIONS` | ask for shorter vectors (text-embedding-3 only) | the model's |
 * | `SWITCHYARD_EMBEDDINGS_BATCH_SIZE` | texts per HTTP request | 128 |
 * | `SWITCHYARD_EMBEDDINGS_MAX_RETRIES` | retries of a failed request (5xx, 429, network; never 4xx) | 4 |
 * | `SWITCHYARD_EMBEDDINGS_TIMEOUT_MS` | per-request timeout | 60000 |
 *
 * Vectors are requested as plain floats (`encoding_format: 'float'`): the OpenAI SDK otherwise asks
 * for base64, which some local servers do not implement. Unlike chat, embeddings count no tokens,
 * so there is no tiktoken download to hang offline. Every value is passed explicitly so the SDK never
 * reads `process.env` behind the `env` argument's back.
 *
 * @throws AppError `VALIDATION` when a variable is malformed.
 * @example
 * const cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'nomic-embed-text', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })
 * await cfg?.embeddings.embedQuery('hello')
 */
export function embeddingsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddingsConfig | undefined {
  const parsed = EmbeddingsEnv.safeParse(env)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw new AppError('VALIDATION', `invalid embeddings configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      details: { issues },
    })
  }
  const e = parsed.data
  const model = e.SWITCHYARD_EMBEDDINGS_MODEL
  if (model === undefined) return undefined
  const baseURL = e.SWITCHYARD_EMBEDDINGS_BASE_URL ?? e.OPENAI_BASE_URL ?? OPENAI_URL
  const apiKey = e.SWITCHYARD_EMBEDDINGS_API_KEY ?? e.OPENAI_API_KEY ?? 'not-needed'
  registerSecret(apiKey)
  if (baseURL === OPENAI_URL && apiKey === 'not-needed') {
    throw new AppError('VALIDATION', 'SWITCHYARD_EMBEDDINGS_MODEL is set but neither a base URL nor an API key is: set SWITCHYARD_EMBEDDINGS_BASE_URL (or OPENAI_BASE_URL) for a local server, or OPENAI_API_KEY')
  }
  const embeddings = lazyOpenAIEmbeddings({
    model,
    apiKey,
    configuration: { baseURL, organization: null, project: null },
    dimensions: e.SWITCHYARD_EMBEDDINGS_DIMENSIONS,
    batchSize: e.SWITCHYARD_EMBEDDINGS_BATCH_SIZE ?? 128,
    maxRetries: e.SWITCHYARD_EMBEDDINGS_MAX_RETRIES ?? 4,
    timeout: e.SWITCHYARD_EMBEDDINGS_TIMEOUT_MS ?? 60_000,
    encodingFormat: 'float',
  })
  const host = e.SWITCHYARD_EMBEDDINGS_BASE_URL ?? e.OPENAI_BASE_URL ?? 'api.openai.com'
  return { embeddings, model, dimensions: e.SWITCHYARD_EMBEDDINGS_DIMENSIONS, label: `openai-compatible:${model}@${host}` }
}
