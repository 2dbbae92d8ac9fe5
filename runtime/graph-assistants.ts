import { parse, v5 } from '@langchain/core/utils/uuid'
import { createAssistantRepo, type Assistant } from '../store/assistant-repo.js'
import type { Runtime } from './runtime.js'

/** The namespace the official server derives a graph's default assistant id from (uuid5 of the graph id). */
const GRAPH_NAMESPACE = parse('6ba7b821-9dad-11d1-80b4-00c04fd430c8')

/** The default assistant id of a graph: the same uuid the LangGraph Platform gives it. */
export const graphAssistantId = (graphId: string): string => v5(graphId, GRAPH_NAMESPACE)

/** A graph name works wherever an assistant id does: it names the graph's default assistant. */
export const resolveAssistantId = (rt: Runtime, idOrGraph: string): string =>
  rt.registry.names().includes(idOrGraph) ? graphAssistantId(idOrGraph) : idOrGraph

/** The assistant for an id or a graph name; NOT_FOUND if there is none. */
export const getAssistant = (rt: Runtime, idOrGraph: string): Promise<Assistant> =>
  createAssistantRepo(rt.store.db).get(resolveAssistantId(rt, idOrGraph))

/**
 * Creates the default assistant of every registered graph that has none yet (metadata
 * `{created_by: "system"}`, named after the graph). Existing ones, edited or not, are left alone.
 */
export async function ensureGraphAssistants(rt: Runtime): Promise<void> {
  const repo = createAssistantRepo(rt.store.db)
  for (const def of rt.registry.list()) {
    const id = graphAssistantId(def.name)
    await repo.create(id, {
      graph_id: def.name, name: def.name, description: def.description,
      config: {}, context: {}, metadata: { created_by: 'system' },
    }, 'do_nothing').catch(async (e: unknown) => {
      // processes starting together (an API process and its workers) race to create it: one wins
      if (!(await repo.find(id))) throw e
    })
  }
}
