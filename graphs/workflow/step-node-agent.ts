import { z } from 'zod'
import { createAgent } from '../../agents/agent-node.js'
import { createRetrieverTool, SEARCH_TOOL_NAME } from '../../agents/retriever-tool.js'
import { AppError } from '../../store/app-error.js'
import type { GraphDeps } from '../registry.js'
import { renderWith } from './compile-scope.js'
import type { StepSpec } from './spec-schema.js'
import type { StepKind } from './step-node.js'

/** Field types of an agent's `output` map; `?` after a type makes the field optional. */
export const FIELD_TYPES = {
  string: () => z.string(),
  number: () => z.number(),
  integer: () => z.int(),
  boolean: () => z.boolean(),
  'string[]': () => z.array(z.string()),
  'number[]': () => z.array(z.number()),
  object: () => z.record(z.string(), z.unknown()),
  array: () => z.array(z.unknown()),
} as const satisfies Record<string, () => z.ZodType>
const FieldType = z.string().regex(/^(string|number|integer|boolean|string\[\]|number\[\]|object|array)\??$/, `one of ${Object.keys(FIELD_TYPES).join(', ')} (with ? for optional)`)

/** A `{ field: type }` map as a zod object (`{ name: 'string', tags: 'string[]?' }`). */
export function fieldsSchema(fields: Record<string, string>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [k, t] of Object.entries(fields)) {
    const base = FIELD_TYPES[t.replace(/\?$/, '') as keyof typeof FIELD_TYPES]()
    shape[k] = t.endsWith('?') ? base.optional() : base
  }
  return z.object(shape)
}

/** `with` of an agent step. */
export const AgentParams = z.strictObject({
  role: z.string().min(1).optional().describe('who the agent is; default: the step id'),
  instructions: z.string().min(1).describe('the system prompt'),
  task: z.string().min(1).optional().describe('the request; default: the instructions'),
  context: z.string().optional().describe('results of earlier steps for the agent to use'),
  tools: z.array(z.literal(SEARCH_TOOL_NAME)).default([]).describe('search_docs: the RAG retriever'),
  output: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), FieldType).optional()
    .describe('the handoff schema as { field: type }; default { summary: string }'),
  max_tool_rounds: z.int().min(1).max(20).optional(),
})
export type AgentParams = z.output<typeof AgentParams>

const DEFAULT_OUTPUT = { summary: 'string' }

/**
 * An agent step: the deps' model (the offline model when none is configured) as a tool-calling
 * agent that ends with `submit_handoff`. Outputs: `text` (its prose), the handoff's fields at the
 * top level, `handoff` (the whole object) and `tool_calls` (names, in order).
 */
export function agentKind(step: StepSpec, deps: GraphDeps): StepKind {
  return {
    prepare: (scope) => {
      const r = AgentParams.safeParse(renderWith(step.with, scope))
      if (!r.success) throw new AppError('VALIDATION', `invalid with for agent step ${step.id}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { details: { step: step.id } })
      return r.data
    },
    run: async (raw, _scope, ctx) => {
      const p = raw as AgentParams
      const agent = createAgent({
        name: step.id, role: p.role ?? step.id, systemPrompt: p.instructions,
        tools: p.tools.map(() => createRetrieverTool(deps.docs)), handoff: fieldsSchema(p.output ?? DEFAULT_OUTPUT),
        ...(p.max_tool_rounds ? { maxToolRounds: p.max_tool_rounds } : {}),
      }, deps.model)
      const r = await agent.run({ task: p.task ?? p.instructions, ...(p.context ? { context: p.context } : {}) }, ctx.config)
      const handoff = JSON.parse(JSON.stringify(r.handoff)) as Record<string, unknown>
      return { text: r.text, ...handoff, handoff, tool_calls: r.toolCalls.map((c) => c.name) }
    },
  }
}
