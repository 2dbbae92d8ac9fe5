import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { AppError } from '../store/app-error.js'
import type { AnyGraph, GraphDefinition, GraphDeps } from './registry.js'

/** An uncompiled builder (a `StateGraph`): anything with a `compile` method. */
interface GraphBuilder {
  compile(opts: { checkpointer?: BaseCheckpointSaver }): unknown
}

/** What an export of a langgraph.json graph module resolves to, before the runtime's checkpointer is known. */
export type GraphLike = ({ kind: 'builder'; builder: GraphBuilder } | { kind: 'compiled'; graph: AnyGraph }) & {
  /** For a factory export: makes the graph again for one run's config (as the official server does per run). */
  remake?: (config: RunConfig) => Promise<GraphLike>
}

/** What a graph factory is called with: the run's config (its `configurable` carries thread_id, the assistant's and caller's keys). */
export interface RunConfig { configurable: Record<string, unknown>; [key: string]: unknown }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isBuilder = (v: unknown): v is GraphBuilder => isObject(v) && typeof v.compile === 'function'
const isCompiled = (v: unknown): v is AnyGraph =>
  isObject(v) && typeof v.invoke === 'function' && typeof v.getState === 'function' && typeof v.stream === 'function'

/** A compiled graph or a builder, as found; undefined when the value is neither. */
function graphLike(v: unknown): GraphLike | undefined {
  if (isBuilder(v)) return { kind: 'builder', builder: v }
  // createAgent returns a wrapper whose `.graph` is the real compiled graph: run that one
  if (isObject(v) && isCompiled(v.graph)) return { kind: 'compiled', graph: v.graph }
  if (isCompiled(v)) return { kind: 'compiled', graph: v }
  return undefined
}

/**
 * Resolves a module export the way the official server does: a compiled graph, a `StateGraph`
 * builder, a promise of either, or a (possibly async) function of a config returning either.
 * A function is called here once with `{ configurable: {} }` (to check it and to describe the graph:
 * schemas, drawing, state reads), and again for every run with the run's config (`remake`).
 */
export async function resolveGraphExport(value: unknown, where: string): Promise<GraphLike> {
  const v: unknown = await value
  if (typeof v !== 'function') return asGraphLike(v, where)
  const factory = v as (config: RunConfig) => unknown
  const call = async (config: RunConfig): Promise<GraphLike> => {
    let made: unknown
    try {
      made = await factory(config)
    } catch (cause) {
      throw new AppError('VALIDATION', `${where}: the graph factory threw: ${(cause as Error).message ?? String(cause)}`, { cause })
    }
    return asGraphLike(made, where)
  }
  return { ...(await call({ configurable: {} })), remake: call }
}

function asGraphLike(v: unknown, where: string): GraphLike {
  const g = graphLike(v)
  if (!g) {
    const what = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v
    throw new AppError('VALIDATION', `${where}: expected a compiled graph, a StateGraph or a function returning one, got ${what}`)
  }
  return g
}

/** Gives a compiled graph that checkpoints with `checkpointer`, leaving the module's own graph untouched. */
export function withCheckpointer(g: GraphLike, checkpointer: BaseCheckpointSaver): AnyGraph {
  if (g.kind === 'builder') return g.builder.compile({ checkpointer }) as AnyGraph
  // the official server assigns its checkpointer to the module's graph; a copy keeps two runtimes apart
  const copy = typeof g.graph.withConfig === 'function' ? g.graph.withConfig({}) as AnyGraph : g.graph
  copy.checkpointer = checkpointer
  return copy
}

/** A registry entry for one resolved langgraph.json graph: input passes through unchanged. */
export function langGraphDefinition(name: string, description: string, g: GraphLike): GraphDefinition {
  return {
    name,
    description,
    parseInput: (input) => input,
    build: (deps: GraphDeps) => withCheckpointer(g, deps.checkpointer),
    ...(g.remake ? { buildForRun: async (deps: GraphDeps, config: RunConfig) => withCheckpointer(await g.remake!(config), deps.checkpointer) } : {}),
  }
}
