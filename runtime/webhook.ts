import { checkWebhookUrl } from '../agents/webhook-hosts.js'
import type { RunRow } from '../store/run-schema.js'
import { parseKwargs } from './run-kwargs.js'
import { runOutcome, runView } from './run-view.js'
import type { Runtime } from './runtime.js'

export interface WebhookOptions {
  /** Attempts in all (default 4). */
  attempts?: number
  /** First back-off delay in ms, doubled each retry (default 200). */
  initialDelayMs?: number
  /** Per-request timeout in ms (default 5 000). */
  timeoutMs?: number
}

/**
 * POSTs the finished run (the run object plus `values`, or `error`) to the run's `webhook` URL,
 * retrying network failures and 5xx/429 answers with exponential back-off. Never throws: a webhook
 * is a notification, and its failure must not change the run's outcome.
 * @returns the HTTP status of the last attempt, or undefined when no webhook or no answer.
 */
export async function callWebhook(rt: Runtime, runId: string, opts: WebhookOptions = {}): Promise<number | undefined> {
  const run: RunRow | undefined = await rt.runs.getRun(runId).catch(() => undefined)
  const url = run ? parseKwargs(run.kwargs).webhook : undefined
  if (!run || !url) return undefined
  // the allowlist may have been set since the run was queued (a restart): check again, call nothing outside it
  try {
    checkWebhookUrl(url, rt.webhookHosts)
  } catch {
    return undefined
  }
  const outcome = await runOutcome(rt, run, run.graph, run.thread_id).catch(() => ({}))
  const body = JSON.stringify({ ...runView(run), values: outcome, ...(run.error && run.status === 'error' ? { error: run.error } : {}) })
  const attempts = opts.attempts ?? 4
  let status: number | undefined
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, (opts.initialDelayMs ?? 200) * 2 ** (i - 1)))
    try {
      // with an allowlist, a redirect could lead outside it: refuse redirects then
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000), redirect: rt.webhookHosts ? 'error' : 'follow' })
      status = res.status
      await res.body?.cancel()
      if (res.status < 500 && res.status !== 429) return status
    } catch {
      status = undefined
    }
  }
  return status
}
