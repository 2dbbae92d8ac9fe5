import { z } from 'zod'
import { AppError, isAppError } from '../../store/app-error.js'
import { checkWebhookUrl, webhookHostsFrom } from '../webhook-hosts.js'
import { Duration, cancelled, effectiveTimeoutMs, sleep, tail } from './step-context.js'
import type { StepContext } from './step-context.js'

const Status = z.int().min(100).max(599)

/** `with` of a `webhook` step. */
export const WebhookParams = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('http(s) URL'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.json().optional().describe('sent as JSON'),
  timeout: Duration.optional().describe('per attempt; default 10s'),
  retries: z.int().min(0).max(10).default(2).describe('extra attempts on network errors, timeouts, 5xx and 429'),
  backoff_ms: z.int().min(0).default(500).describe('first retry delay, doubled each time'),
  expect_status: z.union([Status, z.array(Status).min(1)]).optional()
    .describe('accepted statuses; default any status below 400'),
  max_response_bytes: z.int().min(1).max(64 * 1024 * 1024).default(1024 * 1024)
    .describe('a longer response body fails the step (default 1 MiB)'),
})
export type WebhookParams = z.output<typeof WebhookParams>

export interface WebhookOutputs {
  status: number
  headers: Record<string, string>
  /** Parsed JSON when the response says it is JSON, else the text (null when empty). */
  body: unknown
}

const DEFAULT_TIMEOUT_MS = 10_000
const MAX_RETRY_AFTER_MS = 30_000

const isRetryableStatus = (s: number) => s === 429 || s >= 500

/** The body as text, refusing more than `max` bytes (checked as it streams in, not after). */
async function readText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN)
  if (declared > max) throw new AppError('UPSTREAM', `response body of ${declared} bytes is over max_response_bytes ${max}`, { details: { max_response_bytes: max } })
  if (!res.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > max) throw new AppError('UPSTREAM', `response body over max_response_bytes ${max}`, { details: { max_response_bytes: max } })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function readBody(res: Response, max: number): Promise<unknown> {
  const text = await readText(res, max)
  if (text === '') return null
  if (!/[/+]json\b/i.test(res.headers.get('content-type') ?? '')) return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The delay before the next attempt: exponential, or a (bounded) `Retry-After` when longer. */
function retryDelay(p: WebhookParams, attempt: number, res?: Response): number {
  const backoff = p.backoff_ms * 2 ** attempt
  const after = Number(res?.headers.get('retry-after'))
  return Number.isFinite(after) && after > 0 ? Math.max(backoff, Math.min(after * 1_000, MAX_RETRY_AFTER_MS)) : backoff
}

function requestInit(p: WebhookParams): RequestInit {
  const headers = new Headers(p.headers)
  if (p.body === undefined) return { method: p.method, headers }
  if (p.method === 'GET') throw new AppError('VALIDATION', 'a GET webhook cannot send a body')
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  return { method: p.method, headers, body: JSON.stringify(p.body) }
}

/**
 * Runs a `webhook` step: one request per attempt, each bounded by `timeout`. Network errors,
 * timeouts, 5xx and 429 are retried up to `retries` times with exponential backoff; any other
 * unexpected status (a 4xx) fails at once. Failures throw `UPSTREAM` with `status`, `attempts`
 * and the response body tail in details; an aborted `ctx.signal` throws `CANCELLED`.
 *
 * @example
 * await runWebhookStep(WebhookParams.parse({ url: 'https://hooks.example/deploy', body: { ref: 'main' } }), ctx)
 * // { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } }
 */
export async function runWebhookStep(p: WebhookParams, ctx: StepContext): Promise<WebhookOutputs> {
  const hosts = webhookHostsFrom()
  checkWebhookUrl(p.url, hosts)
  const init = requestInit(p)
  const timeoutMs = effectiveTimeoutMs(p.timeout, ctx, DEFAULT_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS
  const expected = p.expect_status === undefined ? undefined : [p.expect_status].flat()
  const accept = (s: number) => (expected ? expected.includes(s) : s < 400)
  const fail = (message: string, details: Record<string, unknown>, cause?: unknown) =>
    new AppError('UPSTREAM', message, { cause, details: { step: 'webhook', url: p.url, method: p.method, ...details } })

  for (let attempt = 0; ; attempt++) {
    const attempts = attempt + 1
    const last = attempt >= p.retries
    const signals = [AbortSignal.timeout(timeoutMs), ...(ctx.signal ? [ctx.signal] : [])]
    let res: Response
    let body: unknown
    try {
      res = await fetch(p.url, { ...init, signal: AbortSignal.any(signals), redirect: hosts ? 'error' : 'follow' })
      body = await readBody(res, p.max_response_bytes) // inside the try: the timeout covers a body that trickles in
    } catch (cause) {
      if (ctx.signal?.aborted) throw cancelled('webhook', cause)
      // an oversized body is the same on every attempt: no retry
      if (isAppError(cause)) throw fail(`${p.method} ${p.url}: ${cause.message}`, { attempts, ...cause.details }, cause)
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError'
      if (last) {
        const why = timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${(cause as Error).message}`
        throw fail(`${p.method} ${p.url} ${why}`, { attempts, timed_out: timedOut }, cause)
      }
      await sleep(retryDelay(p, attempt), ctx.signal, 'webhook')
      continue
    }
    if (accept(res.status)) {
      return { status: res.status, headers: Object.fromEntries(res.headers), body }
    }
    if (last || !isRetryableStatus(res.status)) {
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      throw fail(`${p.method} ${p.url} answered ${res.status}`, { status: res.status, attempts, body_tail: tail(text ?? '', 1_000) })
    }
    await sleep(retryDelay(p, attempt, res), ctx.signal, 'webhook')
  }
}
