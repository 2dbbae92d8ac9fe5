import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ServerResponse } from 'node:http'
import { defaultFakeScript } from './fake-openai-script.js'
import type { ChatCompletionRequest, FakeReply, FakeScript } from './fake-openai-script.js'

export { defaultFakeScript, fakeArgs } from './fake-openai-script.js'
export type { ChatCompletionRequest, FakeReply, FakeScript, FakeToolCall } from './fake-openai-script.js'

/** A running fake: `url` ends in `/v1` (use it as OPENAI_BASE_URL); `requests` holds every parsed body. */
export interface FakeOpenAI {
  url: string
  requests: ChatCompletionRequest[]
  close(): Promise<void>
}

/**
 * An OpenAI-compatible server on 127.0.0.1:0 with one route, `POST /v1/chat/completions`,
 * answering JSON, or SSE when the body has `stream: true` (role delta, content or tool-call
 * argument pieces, a `finish_reason` chunk, a usage chunk when asked, `data: [DONE]`).
 *
 * @example
 * const fake = await startFakeOpenAI()   // search_docs, then submit_handoff, else "fake-llm says hello"
 * const env = { OPENAI_BASE_URL: fake.url, SWITCHYARD_MODEL: 'fake' }
 * await fake.close()
 */
export async function startFakeOpenAI(script: FakeScript = defaultFakeScript): Promise<FakeOpenAI> {
  const requests: ChatCompletionRequest[] = []
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } })
    }
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as ChatCompletionRequest
          const index = requests.push(body) - 1
          reply(res, body, index, await script(body, index, req.headers))
        } catch (e) {
          sendJson(res, 500, { error: { message: e instanceof Error ? e.message : String(e), type: 'server_error' } })
        }
      })()
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
    close: () => new Promise((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()))
      server.closeAllConnections()
    }),
  }
}

function reply(res: ServerResponse, body: ChatCompletionRequest, index: number, out: FakeReply): void {
  if (typeof out === 'object' && 'status' in out) return sendJson(res, out.status, { error: { message: out.error, type: 'fake_error' } })
  const text = typeof out === 'string' ? out : 'text' in out ? out.text : null
  const calls = typeof out === 'object' && 'toolCalls' in out
    ? out.toolCalls.map((c, i) => ({
        id: `call_fake_${index + 1}_${i}`, type: 'function' as const,
        function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
      }))
    : undefined
  const finish = calls ? 'tool_calls' : 'stop'
  const base = { id: `chatcmpl-fake-${index + 1}`, created: 0, model: body.model }
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }
  if (!body.stream) {
    const message = { role: 'assistant', content: text, ...(calls ? { tool_calls: calls } : {}) }
    return sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage })
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`)
  const delta = (d: Record<string, unknown>, finish_reason: string | null = null) =>
    send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: d, finish_reason }] })
  delta({ role: 'assistant', content: '' })
  for (const piece of pieces(text ?? '')) delta({ content: piece })
  for (const [i, call] of (calls ?? []).entries()) {
    delta({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] })
    for (const piece of pieces(call.function.arguments)) delta({ tool_calls: [{ index: i, function: { arguments: piece } }] })
  }
  delta({}, finish)
  if (body.stream_options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage })
  res.end('data: [DONE]\n\n')
}

/** Splits into pieces of a word (with its leading spaces) or at most 8 characters, losslessly. */
const pieces = (s: string): string[] => s.match(/\s*[^\s]{1,8}|\s+$/g) ?? []

function sendJson(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(data))
}
