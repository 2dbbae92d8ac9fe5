import { getConfigTypeSchema, getInputTypeSchema, getOutputTypeSchema, getStateTypeSchema } from '@langchain/langgraph/zod/schema'
import { z } from 'zod'
import type { AnyGraph } from '../graphs/registry.js'
import type { Runtime } from './runtime.js'

type JsonSchema = Record<string, unknown>

/** The Platform API's schema set of a graph (`GET /assistants/{id}/schemas`). */
export interface GraphSchemas {
  graph_id: string
  input_schema: JsonSchema
  output_schema: JsonSchema
  state_schema: JsonSchema
  config_schema?: JsonSchema
  context_schema?: JsonSchema
}

/**
 * The state as JSON Schema. A graph whose state is a zod schema (or a LangGraph `StateSchema`) has its
 * typed schema, as LangGraph derives it; Annotation-based state carries no runtime types, so there each
 * property is `{}` (any JSON), one per state channel (internal ones like `branch:to:x` left out).
 */
export function stateSchemaOf(graph: AnyGraph): JsonSchema {
  const typed = getStateTypeSchema(graph) as JsonSchema | undefined
  if (typed) return typed
  const keys = Object.keys(graph.channels).filter((k) => !k.startsWith('__') && !k.includes(':'))
  return { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, {}])) }
}

/** A graph's schemas: input (the definition's own, else the graph's typed input), output, state, config. */
function schemasOf(graph: AnyGraph, graphId: string, inputSchema?: z.ZodType): GraphSchemas {
  const state = stateSchemaOf(graph)
  const input = inputSchema ? (z.toJSONSchema(inputSchema) as JsonSchema) : (getInputTypeSchema(graph) as JsonSchema | undefined) ?? state
  const output = (getOutputTypeSchema(graph) as JsonSchema | undefined) ?? state
  const config = getConfigTypeSchema(graph) as JsonSchema | undefined
  return { graph_id: graphId, input_schema: input, output_schema: output, state_schema: state, ...(config ? { config_schema: config } : {}) }
}

/** Input, output, state (and config, when typed) schemas of a registered graph. */
export function graphSchemas(rt: Runtime, graphId: string): GraphSchemas {
  return schemasOf(rt.graph(graphId), graphId, rt.registry.get(graphId).inputSchema)
}

/** `GET /assistants/{id}/subgraphs[/{namespace}]`: the schemas of the graph's subgraphs, by namespace. */
export async function subgraphSchemas(rt: Runtime, graphId: string, opts: { namespace?: string; recurse?: boolean }): Promise<Record<string, GraphSchemas>> {
  const out: Record<string, GraphSchemas> = {}
  for await (const [ns, sub] of rt.graph(graphId).getSubgraphsAsync(opts.namespace, opts.recurse)) {
    out[ns] = schemasOf(sub as AnyGraph, graphId)
  }
  return out
}
