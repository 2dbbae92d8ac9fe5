import { z } from 'zod'
import { ASSISTANT_SORT } from '../../store/assistant-repo.js'

const Json = z.record(z.string(), z.unknown())

/** A RunnableConfig as clients send it. */
export const AssistantConfig = z.looseObject({
  tags: z.array(z.string()).optional(),
  recursion_limit: z.number().int().optional(),
  configurable: Json.optional(),
})

export const AssistantCreate = z.object({
  assistant_id: z.guid().optional(),
  graph_id: z.string().min(1),
  config: AssistantConfig.optional(),
  context: z.unknown().optional(),
  metadata: Json.optional(),
  if_exists: z.enum(['raise', 'do_nothing']).optional(),
  name: z.string().optional(),
  description: z.string().nullish(),
})

export const AssistantPatch = z.object({
  graph_id: z.string().min(1).optional(),
  config: AssistantConfig.optional(),
  context: z.unknown().optional(),
  metadata: Json.optional(),
  name: z.string().optional(),
  description: z.string().nullish(),
})

const Filter = { metadata: Json.optional(), graph_id: z.string().optional(), name: z.string().optional() }

export const AssistantSearch = z.object({
  ...Filter,
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  sort_by: z.enum(ASSISTANT_SORT).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
  select: z.array(z.string()).optional(),
})

export const AssistantCount = z.object(Filter)

export const AssistantVersionsQuery = z.object({
  metadata: Json.optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
})

export const AssistantLatest = z.object({ version: z.number().int().min(1) })

/** `?xray=true|false|N`: a boolean, or the subgraph depth to draw. */
export const XrayQuery = z.object({
  xray: z.union([z.enum(['true', 'false']).transform((v) => v === 'true'), z.coerce.number().int().min(0)]).optional(),
})

export const SubgraphsQuery = z.object({ recurse: z.enum(['true', 'false']).transform((v) => v === 'true').optional() })

export const DeleteQuery = z.object({ delete_threads: z.enum(['true', 'false']).transform((v) => v === 'true').optional() })
