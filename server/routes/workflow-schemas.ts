import { z } from 'zod'

/** seed 002's façade bodies. */
export const ExecuteWorkflow = z.object({ task: z.string().trim().min(1).max(20_000) }).strict()
export const CreateWorkflow = z.object({
  task: z.string().trim().min(1).max(20_000),
  name: z.string().trim().min(1).max(200).optional(),
  graph: z.enum(['team', 'sdlc']).optional().default('team'),
}).strict()
export const RespondWorkflow = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve') }).strict(),
  z.object({ action: z.literal('reject'), reason: z.string().trim().min(1) }).strict(),
  z.object({ action: z.literal('amend'), artifact: z.unknown() }).strict(),
])
