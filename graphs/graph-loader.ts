import { existsSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema.js'
import { loadLangGraphProject, type LangGraphProject } from './langgraph-config.js'
import { GraphRegistry } from './registry.js'
import { registerWorkflows, type WorkflowFailure } from './workflow/workflow-registry.js'

/** The folder YAML workflows are loaded from when none is given and it exists. */
export const DEFAULT_WORKFLOWS_DIR = 'workflows'

export interface GraphSources {
  /** A langgraph.json: its graphs are served, and only they unless `builtins`. */
  configPath?: string
  /** With a config, also serve the built-in graphs and YAML workflows (a config graph wins a name they share). */
  builtins?: boolean
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
  /** The langgraph.json, loaded (its graphs are in the registry). */
  project?: LangGraphProject
  /** Lines for stderr: a config graph replacing a built-in, a missing env file. */
  notices: string[]
  /** Gives the workflows their store (the step cache) once the runtime has opened it. */
  useStore(db: Kysely<DB>): void
}

/**
 * One place that decides what can run, for the CLI and the server alike. With a langgraph.json, exactly
 * its graphs (as the official dev server serves them); with `builtins` as well, the built-in graphs and
 * YAML workflows beside them, a config graph replacing one of the same name (with a notice). An invalid
 * workflow file is reported in `failures` and skipped; it never takes the others down. An explicitly
 * given folder that does not exist is a failure too; the default folder is simply optional.
 */
export async function loadGraphs(o: GraphSources = {}): Promise<LoadedGraphs> {
  // the config's env is applied before any module (graph or workflow) loads
  const project = o.configPath ? await loadLangGraphProject(o.configPath) : undefined
  const withBuiltins = !project || o.builtins === true
  const registry = new GraphRegistry(withBuiltins ? undefined : [])
  let db: Kysely<DB> | undefined
  const dir = withBuiltins ? o.workflowsDir ?? (existsSync(DEFAULT_WORKFLOWS_DIR) ? DEFAULT_WORKFLOWS_DIR : undefined) : undefined
  const { registered, failures } = dir ? await registerWorkflows(registry, dir, { db: () => db, workspaceRoot: o.workspaceRoot ?? process.cwd() }) : { registered: [], failures: [] }
  const notices = [...(project?.notices ?? [])]
  for (const def of project?.graphs ?? []) {
    if (registry.has(def.name)) {
      const kind = registered.includes(def.name) ? 'YAML workflow' : 'built-in graph'
      notices.push(`graph ${def.name} from ${project!.file} replaces the ${kind} of that name`)
    }
    registry.register(def, { replace: true })
  }
  const workflows = registered.filter((n) => !project?.graphs.some((d) => d.name === n))
  return { registry, workflows, failures, project, notices, useStore: (d) => { db = d } }
}
