import { z } from 'zod'
import { THREAD_SORT, THREAD_STATUSES } from '../../store/thread-repo.js'
import { StateSelect, StateSelectQuery } from '../../runtime/state-select.js'
import { ThreadExtract } from '../../runtime/thread-extract.js'

const Json = z.record(z.string(), z.unknown())
const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

/** A thread id: the SDK sends uuids, the CLI accepts any id; both work here. */
export const ThreadId = z.string().min(1).max(256)

/** A checkpoint address; `null` fields are dropped. */
export const CheckpointAddress = z.object({
  checkpoint_id: z.string().min(1).nullish(),
  checkpoint_ns: z.string().nullish(),
  checkpoint_map: Json.nullish(),
}).transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v != null)))

/** A thread TTL, in minutes: a number, or the SDK's `{ttl, strategy: 'delete'}`; null removes it. */
export const ThreadTtl = z.union([
  z.number().positive().max(100_000_000),
  z.object({ ttl: z.number().positive().max(100_000_000), strategy: z.literal('delete').optional() }),
]).nullish().transform((t) => (t == null ? t : typeof t === 'number' ? t : t.ttl))

export const ThreadCreate = z.object({
  thread_id: ThreadId.optional(),
  ttl: ThreadTtl,
  metadata: Json.optional(),
  if_exists: z.enum(['raise', 'do_nothing']).optional(),
  supersteps: z.array(z.object({
    updates: z.array(z.object({ values: z.unknown().optional(), command: Json.nullish(), as_node: z.string().min(1) })),
  })).optional(),
})

const Filter = { metadata: Json.optional(), values: Json.optional(), status: z.enum(THREAD_STATUSES).optional() }

export const ThreadSearch = z.object({
  ...Filter,
  ids: z.array(ThreadId).optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  // state_updated_at sorts like updated_at: every state change touches the thread
  sort_by: z.enum([...THREAD_SORT, 'state_updated_at']).transform((s) => (s === 'state_updated_at' ? 'updated_at' : s)).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
  select: z.array(z.string()).optional(),
  extract: ThreadExtract,
})

export const ThreadCount = z.object(Filter)

/** `POST /threads/prune`. */
export const ThreadPrune = z.object({
  thread_ids: z.array(z.string().min(1)).min(1).max(1000),
  strategy: z.enum(['delete', 'keep_latest']).default('delete'),
})

export const ThreadPatch = z.object({ metadata: Json.optional(), ttl: ThreadTtl })

export const StateQuery = z.object({ subgraphs: Bool.optional(), select: StateSelectQuery })

export const StateAtCheckpoint = z.object({ checkpoint: CheckpointAddress, subgraphs: z.boolean().optional(), select: StateSelect })

export const StateUpdate = z.object({
  values: z.union([Json, z.array(Json)]).nullish(),
  as_node: z.string().min(1).optional(),
  checkpoint_id: z.string().min(1).optional(),
  checkpoint: CheckpointAddress.nullish(),
})

/** `PATCH /threads/{id}/state`: `metadata` to merge (the SDK sends only that); a checkpoint may be named as in a state update. */
export const StatePatch = z.object({
  metadata: Json,
  checkpoint_id: z.string().min(1).optional(),
  checkpoint: CheckpointAddress.nullish(),
})

/** `before` as the SDK sends it (`{configurable: {checkpoint_id}}`) or as a bare checkpoint id. */
const Before = z.union([
  z.string().min(1),
  z.object({ configurable: z.looseObject({ checkpoint_id: z.string().min(1) }) }).transform((b) => b.configurable.checkpoint_id),
])

export const HistoryBody = z.object({
  limit: z.number().int().min(1).max(1000).default(10),
  before: Before.nullish(),
  metadata: Json.nullish(),
  checkpoint: CheckpointAddress.nullish(),
  select: StateSelect,
})

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  before: z.string().min(1).optional(),
  select: StateSelectQuery,
})
