import { existsSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema.js'
import { registryWithConfig } from './langgraph-config.js'
import type { GraphRegistry } from './registry.js'
import { registerWorkflows, type WorkflowFailure } from './workflow/workflow-registry.js'

/** The folder YAML workflows are loaded from when none is given and it exists. */
export const DEFAULT_WORKFLOWS_DIR = 'workflows'

export interface GraphSources {
  /** A langgraph.json whose graphs join the built-ins. */
  configPath?: string
  /** A folder of YAML workflows; `undefined` means `workflows/` if it exists. */
  workflowsDir?: string
  /** What a workflow's `workspace` is relative to; default the current directory. */
  workspaceRoot?: string
}

/** The graphs a process serves: built-ins, langgraph.json graphs and YAML workflows. */
export interface LoadedGraphs {
  registry: GraphRegistry
  /** Names of the YAML workflows registered. */
  workflows: string[]
  /** Workflow files that were skipped, with their findings. */
  failures: WorkflowFailure[]
  /** Gives the workflows their store (the step cache) once the runtime has opened it. */
  useStore(db: Kysely<DB>): void
}

/**
 * One place that decides what can run, for the CLI and the server alike. An invalid workflow file
 * is reported in `failures` and skipped; it never takes the others down. An explicitly given folder
 * that does not exist is a failure too; the default folder is simply optional.
 */
export async function loadGraphs(o: GraphSources = {}): Promise<LoadedGraphs> {
  const registry = await registryWithConfig(o.configPath)
  let db: Kysely<DB> | undefined
  const dir = o.workflowsDir ?? (existsSync(DEFAULT_WORKFLOWS_DIR) ? DEFAULT_WORKFLOWS_DIR : undefined)
  const { registered, failures } = dir ? await registerWorkflows(registry, dir, { db: () => db, workspaceRoot: o.workspaceRoot ?? process.cwd() }) : { registered: [], failures: [] }
  return { registry, workflows: registered, failures, useStore: (d) => { db = d } }
}
