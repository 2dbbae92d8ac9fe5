import { isSupportedChannel } from '@langchain/langgraph/stream'
import { z } from 'zod'
import { MULTITASK_STRATEGIES } from '../../runtime/run-service.js'
import { protocolFault } from './protocol-wire.js'

/** Client → server: `{id, method, params}`; the answer carries the same `id`. */
export const CommandFrame = z.looseObject({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).nullish(),
})
export type CommandFrame = z.infer<typeof CommandFrame>

const Namespace = z.array(z.string())
const Json = z.record(z.string(), z.unknown())
const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** Per-run config overrides; `configurable.checkpoint_id` picks the checkpoint a run starts from (the SDK's `forkFrom`). */
export const RunConfig = z.looseObject({
  configurable: Json.optional(),
  recursion_limit: z.number().int().positive().optional(),
  tags: z.array(z.string()).optional(),
})
export type RunConfig = z.infer<typeof RunConfig>

/** `run.start`: the SDK adds `assistant_id` from the stream's options and folds `forkFrom` into `config`. */
export const RunStartParams = z.looseObject({
  assistant_id: z.string().min(1),
  input: z.unknown().optional(),
  config: RunConfig.nullish(),
  metadata: Json.nullish(),
  // the SDK sends both spellings
  multitask_strategy: z.enum(MULTITASK_STRATEGIES).optional(),
  multitaskStrategy: z.enum(MULTITASK_STRATEGIES).optional(),
})

const ResumeExtras = {
  update: Json.optional(),
  goto: z.union([z.string(), z.array(z.string())]).optional(),
  config: RunConfig.nullish(),
  metadata: Json.nullish(),
}
const RespondEntry = z.object({ namespace: Namespace.optional(), interrupt_id: z.string().min(1), response: z.unknown() })
/** `input.respond`: one interrupt (`interrupt_id`, `response`) or several at once (`responses`). */
export const InputRespondParams = z.union([
  z.object({ responses: z.array(RespondEntry).min(1), ...ResumeExtras }),
  RespondEntry.extend(ResumeExtras),
])
export type InputRespondParams = z.infer<typeof InputRespondParams>

/**
 * `input.inject`: a chat message for the thread's `messages` (root namespace only); `multitask_strategy`
 * (a Switchyard extension, default `enqueue`) says what happens to a run in flight.
 */
export const InputInjectParams = z.looseObject({
  namespace: Namespace.optional(),
  message: z.looseObject({ role: z.enum(['user', 'system']), content: z.string(), name: z.string().min(1).optional() }),
  multitask_strategy: z.enum(MULTITASK_STRATEGIES).optional(),
})

/** `state.get`: the root graph (`namespace` absent or `[]`) or a subgraph namespace; `keys` narrows the values. */
export const StateGetParams = z.looseObject({ namespace: Namespace.optional(), keys: z.array(z.string()).optional() })

/** `state.listCheckpoints`: newest first; `before` is a checkpoint id (the previous page's `next_before`). */
export const ListCheckpointsParams = z.looseObject({
  namespace: Namespace.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  before: z.string().min(1).optional(),
})

/** `update`/`as_node` are Switchyard's: write edited state at the checkpoint first, then run from it. */
export const StateForkParams = z.looseObject({
  checkpoint_id: z.string().min(1),
  input: z.unknown().optional(),
  config: RunConfig.nullish(),
  update: Json.optional(),
  as_node: z.string().min(1).optional(),
})

/** An event filter: channels, namespace prefixes, depth below them; `since` replays after a seq. */
export const EventFilter = z.object({
  channels: z.array(z.string().refine(isSupportedChannel, { message: 'unsupported channel' })).min(1),
  namespaces: z.array(Namespace).optional(),
  depth: z.number().int().nonnegative().optional(),
})
export type EventFilter = z.infer<typeof EventFilter>

/** `subscription.subscribe`: a filter, and (Switchyard) `since` to replay after a seq. */
export const SubscribeParams = z.looseObject({ ...EventFilter.shape, since: Seq.optional() })
/** The SSE twin's body (`POST /threads/{id}/stream/events`). */
export const EventStreamRequest = z.strictObject({ ...EventFilter.shape, since: Seq.optional() })
/** `subscription.unsubscribe`. */
export const UnsubscribeParams = z.looseObject({ subscription_id: z.string().min(1) })
/** `subscription.reconnect`: the run and last event the client has, the subscriptions to restore. */
export const ReconnectParams = z.looseObject({
  run_id: z.string().min(1),
  last_event_id: z.string().min(1).optional(),
  subscriptions: z.array(z.string().min(1)).min(1),
})
/** `agent.getTree`: a run of the thread, else its current run. */
export const GetTreeParams = z.looseObject({ run_id: z.string().min(1).optional() })

/** Parses a command's params; a failure is `invalid_argument` naming each issue. */
export function parseParams<T extends z.ZodType>(schema: T, method: string, params: unknown): z.infer<T> {
  const r = schema.safeParse(params ?? {})
  if (r.success) return r.data
  const why = r.error.issues.map((i) => `${i.path.map(String).join('.') || 'params'}: ${i.message}`).join('; ')
  throw protocolFault('invalid_argument', `invalid params for ${method}: ${why}`, { details: { issues: r.error.issues } })
}
