import { afterEach, describe, expect, it } from 'vitest'
import { embeddingsFromEnv } from '../../rag/embeddings.js'
import { isAppError } from '../../store/app-error.js'
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings-server.js'

describe('embeddingsFromEnv', () => {
  let fake: FakeEmbeddings | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  it('is undefined without SWITCHYARD_EMBEDDINGS_MODEL (retrieval stays lexical), even with OpenAI set', () => {
    expect(embeddingsFromEnv({})).toBeUndefined()
    expect(embeddingsFromEnv({ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', SWITCHYARD_EMBEDDINGS_MODEL: ' ' })).toBeUndefined()
  })

  it('rejects malformed variables and a model with nowhere to send it', () => {
    const bad = [
      { SWITCHYARD_EMBEDDINGS_MODEL: 'm', SWITCHYARD_EMBEDDINGS_BASE_URL: 'ftp://x' },
      { SWITCHYARD_EMBEDDINGS_MODEL: 'm', OPENAI_API_KEY: 'k', SWITCHYARD_EMBEDDINGS_BATCH_SIZE: '0' },
      { SWITCHYARD_EMBEDDINGS_MODEL: 'm', OPENAI_API_KEY: 'k', SWITCHYARD_EMBEDDINGS_DIMENSIONS: 'many' },
      { SWITCHYARD_EMBEDDINGS_MODEL: 'm' },
    ]
    for (const env of bad) {
      let err: unknown
      try {
        embeddingsFromEnv(env)
      } catch (e) {
        err = e
      }
      expect(isAppError(err) && err.code, JSON.stringify(env)).toBe('VALIDATION')
    }
  })

  it('prefers the SWITCHYARD_EMBEDDINGS_* URL and key over OPENAI_*, and asks for float vectors', async () => {
    fake = await startFakeEmbeddings({ dimensions: 8 })
    const cfg = embeddingsFromEnv({
      SWITCHYARD_EMBEDDINGS_MODEL: 'fake-embed', SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_API_KEY: 'emb-key',
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_API_KEY: 'chat-key',
    })
    expect(cfg?.model).toBe('fake-embed')
    expect(cfg?.label).toBe(`openai-compatible:fake-embed@${fake.url}`)
    const v = await cfg!.embeddings.embedQuery('hello world')
    expect(v).toHaveLength(8)
    expect(v).toEqual(fake.vectorOf('hello world'))
    expect(fake.requests).toMatchObject([{ model: 'fake-embed', input: ['hello world'], encoding_format: 'float', authorization: 'Bearer emb-key' }])
  })

  it('falls back to OPENAI_BASE_URL with a placeholder key for keyless local servers; passes dimensions', async () => {
    fake = await startFakeEmbeddings()
    const cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'm', OPENAI_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_DIMENSIONS: '16' })
    expect(cfg?.dimensions).toBe(16)
    expect(await cfg!.embeddings.embedQuery('x')).toHaveLength(16)
    expect(fake.requests[0]).toMatchObject({ authorization: 'Bearer not-needed', dimensions: 16 })
  })

  it('batches documents by SWITCHYARD_EMBEDDINGS_BATCH_SIZE, keeping the order', async () => {
    fake = await startFakeEmbeddings({ dimensions: 8 })
    const cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'm', OPENAI_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_BATCH_SIZE: '2' })
    const texts = ['one', 'two', 'three', 'four', 'five']
    const vectors = await cfg!.embeddings.embedDocuments(texts)
    expect(vectors).toEqual(texts.map((t) => fake!.vectorOf(t)))
    expect(fake.requests.map((r) => r.input.length).sort()).toEqual([1, 2, 2])
  })

  it('retries a 500 and succeeds; does not retry a 400', async () => {
    fake = await startFakeEmbeddings({ failFirst: 1, rejectText: 'forbidden' })
    const cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'm', OPENAI_BASE_URL: fake.url, SWITCHYARD_EMBEDDINGS_MAX_RETRIES: '2' })
    expect(await cfg!.embeddings.embedQuery('after an outage')).toHaveLength(64)
    expect(fake.requests).toHaveLength(2)
    await expect(cfg!.embeddings.embedQuery('forbidden words')).rejects.toThrow(/rejected input/)
    expect(fake.requests).toHaveLength(3)
  })
})
