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
 * The state as JSON Schema: one property per state channel. Annotation-based state carries no runtime
 * types, so each property is `{}` (any JSON); internal channels (`__start__`, `branch:to:x`) are left out.
 */
export function stateSchemaOf(graph: AnyGraph): JsonSchema {
  const keys = Object.keys(graph.channels).filter((k) => !k.startsWith('__') && !k.includes(':'))
  return { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, {}])) }
}

/** Input, output and state schemas of a registered graph; the input schema is the graph's own when it declares one. */
export function graphSchemas(rt: Runtime, graphId: string): GraphSchemas {
  const def = rt.registry.get(graphId)
  const state = stateSchemaOf(rt.graph(graphId))
  const input = def.inputSchema ? (z.toJSONSchema(def.inputSchema) as JsonSchema) : state
  return { graph_id: graphId, input_schema: input, output_schema: state, state_schema: state }
}

/** `GET /assistants/{id}/subgraphs[/{namespace}]`: the schemas of the graph's subgraphs, by namespace. */
export async function subgraphSchemas(rt: Runtime, graphId: string, opts: { namespace?: string; recurse?: boolean }): Promise<Record<string, GraphSchemas>> {
  const out: Record<string, GraphSchemas> = {}
  for await (const [ns, sub] of rt.graph(graphId).getSubgraphsAsync(opts.namespace, opts.recurse)) {
    const state = stateSchemaOf(sub as AnyGraph)
    out[ns] = { graph_id: graphId, input_schema: state, output_schema: state, state_schema: state }
  }
  return out
}
