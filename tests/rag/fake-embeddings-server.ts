import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One `/v1/embeddings` request as the fake saw it. */
export interface EmbeddingsRequest {
  model: string
  input: string[]
  dimensions?: number
  encoding_format?: string
  authorization: string | undefined
}

export interface FakeEmbeddingsOptions {
  /** Vector size (default 64; a request's `dimensions` wins). */
  dimensions?: number
  /** Answer the first N requests with a 500 (to exercise retries). */
  failFirst?: number
  /** Answer every request whose input contains this text with a 400. */
  rejectText?: string
  /** Words mapped to another before hashing, so synonyms land on the same axis: `{ automobile: 'car' }`. */
  synonyms?: Record<string, string>
}

/** A running fake: `url` ends in `/v1`; `requests` holds every request, failed ones included. */
export interface FakeEmbeddings {
  url: string
  requests: EmbeddingsRequest[]
  /** The vector the fake gives `text` (what a query embeds to). */
  vectorOf(text: string, dimensions?: number): number[]
  close(): Promise<void>
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/**
 * Deterministic embeddings: a hashed bag of words (lower-cased words, synonyms folded, each word one
 * axis by FNV-1a mod the dimension), L2-normalised. Texts sharing words are near; unrelated texts
 * are (nearly) orthogonal.
 */
export function bagOfWords(text: string, dimensions: number, synonyms: Record<string, string> = {}): number[] {
  const v = new Array<number>(dimensions).fill(0)
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const w = synonyms[raw] ?? raw
    v[fnv1a(w) % dimensions]! += 1
  }
  const norm = Math.hypot(...v)
  // an empty text gets a fixed unit vector: a real model never returns zeros, and cosine needs a norm
  return norm === 0 ? v.map((_, i) => (i === 0 ? 1 : 0)) : v.map((x) => x / norm)
}

/**
 * An OpenAI-compatible embeddings endpoint on 127.0.0.1:0: `POST /v1/embeddings` with `input` a
 * string or a list; answers floats (base64 is refused with a 400, so a client must ask for floats).
 *
 * @example
 * const fake = await startFakeEmbeddings({ failFirst: 1 })
 * const cfg = embeddingsFromEnv({ SWITCHYARD_EMBEDDINGS_MODEL: 'fake', SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url })
 */
export async function startFakeEmbeddings(opts: FakeEmbeddingsOptions = {}): Promise<FakeEmbeddings> {
  const requests: EmbeddingsRequest[] = []
  const dims = opts.dimensions ?? 64
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/embeddings') {
      return send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } })
    }
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Omit<EmbeddingsRequest, 'input' | 'authorization'> & { input: string | string[] }
      const input = Array.isArray(body.input) ? body.input : [body.input]
      const n = requests.push({ ...body, input, authorization: req.headers.authorization })
      if (n <= (opts.failFirst ?? 0)) return send(res, 500, { error: { message: 'fake outage', type: 'server_error' } })
      if (body.encoding_format !== 'float') return send(res, 400, { error: { message: 'only float encoding', type: 'invalid_request_error' } })
      if (opts.rejectText !== undefined && input.some((t) => t.includes(opts.rejectText!))) {
        return send(res, 400, { error: { message: 'rejected input', type: 'invalid_request_error' } })
      }
      const size = body.dimensions ?? dims
      send(res, 200, {
        object: 'list',
        model: body.model,
        data: input.map((t, index) => ({ object: 'embedding', index, embedding: bagOfWords(t, size, opts.synonyms) })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    vectorOf: (text, d = dims) => bagOfWords(text, d, opts.synonyms),
    close: () => new Promise((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()))
      server.closeAllConnections()
    }),
  }
}

function send(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(data))
}
