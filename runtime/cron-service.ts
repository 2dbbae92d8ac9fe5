import { checkWebhookUrl } from '../agents/webhook-hosts.js'
import { AppError } from '../store/app-error.js'
import { createCronRepo } from '../store/cron-repo.js'
import type { CronRow } from '../store/cron-schema.js'
import { currentAuth, withAuthUser } from './auth-context.js'
import { checkTiming, nextRunDate } from './cron-schedule.js'
import { getAssistant } from './graph-assistants.js'
import { CRON_RUN_FIELDS, type CronCreate, type CronUpdate } from './cron-schemas.js'
import type { Runtime } from './runtime.js'

type Json = Record<string, unknown>

/** A cron as the Platform API returns it (`user_id` is always null: Switchyard has tenants, not users). */
export const cronView = (c: CronRow) => ({
  cron_id: c.cron_id,
  assistant_id: c.assistant_id,
  thread_id: c.thread_id,
  on_run_completed: c.on_run_completed,
  end_time: c.end_time,
  schedule: c.schedule,
  timezone: c.timezone,
  created_at: c.created_at,
  updated_at: c.updated_at,
  payload: JSON.parse(c.payload) as Json,
  user_id: null,
  next_run_date: c.next_run_date,
  metadata: JSON.parse(c.metadata) as Json,
  enabled: c.enabled === 1,
})

const runFields = (body: Json): Json => Object.fromEntries(CRON_RUN_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]))

/** Fails now, with a 400, on an input the graph would refuse at every firing. */
function checkInput(rt: Runtime, graph: string, payload: Json) {
  if (typeof payload.webhook === 'string') checkWebhookUrl(payload.webhook, rt.webhookHosts)
  if (payload.input !== undefined && payload.input !== null && payload.command === undefined) rt.registry.get(graph).parseInput(payload.input)
}

/**
 * Creates a cron: on a thread (each firing runs on it) or stateless (`threadId` undefined: each firing
 * on a new thread, deleted after the run unless `on_run_completed: keep`). Schedule, timezone, end
 * time, assistant, thread and input are all checked here, so a cron that exists can fire.
 */
export async function createCron(rt: Runtime, threadId: string | undefined, body: CronCreate): Promise<CronRow> {
  checkTiming(body)
  const assistant = await getAssistant(rt, body.assistant_id)
  if (threadId !== undefined) await rt.runs.getThread(threadId) // in the caller's tenant, or 404
  const payload = runFields(body as Json)
  checkInput(rt, assistant.graph_id, payload)
  // custom auth: the cron's runs carry the user who created it (they fire outside any request)
  if (currentAuth()) {
    const config = (payload.config ?? {}) as { configurable?: Record<string, unknown> }
    payload.config = { ...config, configurable: withAuthUser(config.configurable ?? {}) }
  }
  const enabled = body.enabled ?? true
  const cron = await createCronRepo(rt.store.db).create({
    cron_id: crypto.randomUUID(),
    assistant_id: assistant.assistant_id,
    thread_id: threadId ?? null,
    schedule: body.schedule,
    timezone: body.timezone ?? null,
    end_time: body.end_time ?? null,
    payload: JSON.stringify(payload),
    metadata: JSON.stringify(body.metadata ?? {}),
    on_run_completed: threadId === undefined ? (body.on_run_completed ?? 'delete') : null,
    enabled: enabled ? 1 : 0,
    next_run_date: nextRunDate(body),
  })
  rt.wakeCrons()
  return cron
}

/**
 * Changes a cron. Run fields replace those of its payload; a new schedule, timezone or end time, or
 * enabling it, sets its next date from now (missed firings are not caught up).
 */
export async function updateCron(rt: Runtime, id: string, patch: CronUpdate): Promise<CronRow> {
  const repo = createCronRepo(rt.store.db)
  const cron = await repo.get(id)
  if (patch.on_run_completed != null && cron.thread_id !== null) {
    throw new AppError('VALIDATION', 'on_run_completed applies only to stateless crons', { details: { cron_id: id } })
  }
  const timing = {
    schedule: patch.schedule ?? cron.schedule,
    timezone: patch.timezone === undefined ? cron.timezone : patch.timezone,
    end_time: patch.end_time === undefined ? cron.end_time : patch.end_time,
  }
  checkTiming(timing)
  const payload = { ...(JSON.parse(cron.payload) as Json), ...runFields(patch as Json) }
  const assistant = await getAssistant(rt, cron.assistant_id)
  checkInput(rt, assistant.graph_id, payload)
  const enabled = patch.enabled ?? cron.enabled === 1
  const retime = patch.schedule !== undefined || patch.timezone !== undefined || patch.end_time !== undefined || (enabled && cron.enabled === 0)
  const updated = await repo.update(id, {
    ...timing,
    payload: JSON.stringify(payload),
    ...(patch.metadata != null ? { metadata: JSON.stringify(patch.metadata) } : {}),
    ...(patch.on_run_completed != null ? { on_run_completed: patch.on_run_completed } : {}),
    enabled: enabled ? 1 : 0,
    ...(retime ? { next_run_date: nextRunDate(timing) } : {}),
  })
  rt.wakeCrons()
  return updated
}
