import { task } from '@langchain/langgraph'
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons'

/**
 * Runs one unit of a step (a `for_each` item or a `loop` iteration) as a LangGraph task, so that its
 * result is checkpointed the moment it finishes (a pending write of the step's node). When the node
 * runs again — a resume after a human gate inside it, or after the process died mid-step — a finished
 * unit's result is read back instead of running it again; only unfinished units run.
 *
 * LangGraph names a task by its parent node's task and the order of the calls inside it, so callers
 * must start units in a deterministic order (item index, iteration number). Results must be JSON.
 * Outside a LangGraph run (no task context) the unit simply runs.
 */
export function runAsTask<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const config = AsyncLocalStorageProviderSingleton.getRunnableConfig() as { configurable?: Record<string, unknown> } | undefined
  if (typeof config?.configurable?.__pregel_call !== 'function') return fn()
  return task(name, fn)() as Promise<T>
}
