import { z } from 'zod'
import { API_STREAM_MODES } from './graph-stream.js'
import { MULTITASK_STRATEGIES } from './run-service.js'

const nodes = z.union([z.array(z.string()), z.literal('*')])

/** A run request body, as the SDK sends it (unknown keys are ignored). */
export const RunCreate = z.looseObject({
  assistant_id: z.string().min(1),
  input: z.unknown().optional(),
  command: z.looseObject({ resume: z.unknown().optional(), update: z.unknown().optional(), goto: z.unknown().optional() }).nullish(),
  stream_mode: z.union([z.enum(API_STREAM_MODES), z.array(z.enum(API_STREAM_MODES))]).optional(),
  stream_subgraphs: z.boolean().optional(),
  stream_resumable: z.boolean().optional(),
  config: z.looseObject({
    configurable: z.record(z.string(), z.unknown()).optional(),
    recursion_limit: z.number().int().positive().optional(),
    tags: z.array(z.string()).optional(),
  }).nullish(),
  context: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  interrupt_before: nodes.optional(),
  interrupt_after: nodes.optional(),
  multitask_strategy: z.enum(MULTITASK_STRATEGIES).optional(),
  if_not_exists: z.enum(['create', 'reject']).optional(),
  after_seconds: z.number().min(0).max(86_400 * 30).optional(),
  on_disconnect: z.enum(['cancel', 'continue']).optional(),
  on_completion: z.enum(['delete', 'keep']).optional(),
  webhook: z.url({ protocol: /^https?$/ }).optional(),
  checkpoint_id: z.string().optional(),
  durability: z.enum(['sync', 'async', 'exit']).nullish(),
  /** Deprecated by LangGraph in favour of durability: false means 'exit'. */
  checkpoint_during: z.boolean().nullish(),
  checkpoint: z.looseObject({ checkpoint_id: z.string().optional() }).nullish(),
})
export type RunCreate = z.infer<typeof RunCreate>

export const RunBatch = z.array(RunCreate).min(1).max(100)

export const CancelQuery = z.object({
  wait: z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
  action: z.enum(['interrupt', 'rollback']).optional().default('interrupt'),
})

/** `POST /runs/cancel` (SDK `runs.cancelMany`): by ids (of one thread, if given), or every run with a status. */
export const CancelMany = z.object({
  thread_id: z.string().min(1).nullish(),
  run_ids: z.array(z.string().min(1)).min(1).max(1000).nullish(),
  status: z.enum(['pending', 'running', 'all']).nullish(),
}).refine((b) => (b.run_ids ? 1 : 0) + (b.status ? 1 : 0) === 1, { message: 'give either run_ids or status' })

export const CancelManyQuery = z.object({ action: z.enum(['interrupt', 'rollback']).optional().default('interrupt') })

export const RUN_FIELDS = ['run_id', 'thread_id', 'assistant_id', 'created_at', 'updated_at', 'status', 'metadata', 'kwargs', 'multitask_strategy', 'cancel_reason'] as const
const runField = z.enum(RUN_FIELDS)

export const ListRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  status: z.string().optional(),
  // the SDK repeats the key per field: one value arrives as a string
  select: z.union([runField, z.array(runField)]).optional().transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
})
