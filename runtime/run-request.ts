import { checkWebhookUrl } from '../agents/webhook-hosts.js'
import { withAuthUser } from './auth-context.js'
import { getAssistant } from './graph-assistants.js'
import type { ApiStreamMode } from './graph-stream.js'
import type { RunCreate } from './run-schemas.js'
import { createRun } from './run-service.js'
import type { Runtime } from './runtime.js'

const durabilityOf = (b: RunCreate) => b.durability ?? (b.checkpoint_during === false ? 'exit' : b.checkpoint_during === true ? 'async' : undefined)

/**
 * Queues a run from an API run body (the HTTP routes' and the cron scheduler's one way in):
 * resolves the assistant, applies its config and context, validates a built-in graph's input.
 * No `threadId`: a stateless run, on a new thread deleted when it ends unless `on_completion: keep`.
 */
export async function queueRunRequest(rt: Runtime, threadId: string | undefined, body: RunCreate) {
  if (body.webhook) checkWebhookUrl(body.webhook, rt.webhookHosts)
  const assistant = await getAssistant(rt, body.assistant_id)
  const graph = assistant.graph_id
  let input = body.input
  if (input !== undefined && input !== null && !body.command) input = rt.registry.get(graph).parseInput(input)
  const modes = body.stream_mode === undefined ? ['values'] : Array.isArray(body.stream_mode) ? body.stream_mode : [body.stream_mode]
  const aConfig = (assistant.config ?? {}) as { configurable?: Record<string, unknown> }
  const checkpointId = body.checkpoint_id ?? body.checkpoint?.checkpoint_id
  return createRun(rt, {
    threadId,
    graph,
    assistantId: assistant.assistant_id,
    kind: body.command ? 'resume' : checkpointId ? 'replay' : 'input',
    kwargs: {
      input,
      ...(body.command ? { command: body.command } : {}),
      config: { ...body.config, configurable: withAuthUser({ ...aConfig.configurable, ...body.config?.configurable }) },
      context: body.context ?? assistant.context ?? undefined,
      stream_mode: (modes.length > 0 ? modes : ['values']) as ApiStreamMode[],
      subgraphs: body.stream_subgraphs ?? false,
      resumable: body.stream_resumable ?? false,
      ...(body.interrupt_before ? { interrupt_before: body.interrupt_before } : {}),
      ...(body.interrupt_after ? { interrupt_after: body.interrupt_after } : {}),
      ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
      ...(body.webhook ? { webhook: body.webhook } : {}),
      ...(durabilityOf(body) ? { durability: durabilityOf(body) } : {}),
    },
    metadata: body.metadata ?? {},
    multitaskStrategy: body.multitask_strategy,
    ifNotExists: threadId ? (body.if_not_exists ?? 'reject') : 'create',
    afterSeconds: body.after_seconds,
    temporary: threadId === undefined && (body.on_completion ?? 'delete') === 'delete',
  })
}
