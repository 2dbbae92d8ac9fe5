import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { MemorySaver } from '@langchain/langgraph'
import type { Kysely } from 'kysely'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { isAppError } from '../../store/app-error.js'
import type { DB } from '../../store/schema.js'
import type { GraphDefinition, GraphDeps, GraphRegistry } from '../registry.js'
import { parseWorkflowInputs, workflowInputSchema } from './compile-scope.js'
import { compileWorkflow } from './compile-workflow.js'
import { LOAD_RULES, type Finding } from './finding.js'
import type { WorkflowSpec } from './spec-schema.js'
import { loadWorkflowFile } from './yaml-source.js'

/** A workflow file that was not registered, and why. */
export interface WorkflowFailure { file: string; findings: Finding[] }

/** A registered workflow: a graph definition that also knows its file and spec. */
export interface WorkflowDefinition extends GraphDefinition { file: string; spec: WorkflowSpec }

export interface LoadWorkflowsOptions {
  /** The store for the step cache, read when a graph is built (the runtime opens it after the registry exists). */
  db?: () => Kysely<DB> | undefined
  /**
   * The folder a workflow's `workspace` is relative to (the CLI and the server pass the directory they
   * run in); default: the workflow file's own folder.
   */
  workspaceRoot?: string
}

/** Workflow files of a folder: `*.yaml`/`*.yml`, not `*.test.yaml` (workflow tests), not in subfolders. */
export const isWorkflowFile = (name: string): boolean => /\.ya?ml$/i.test(name) && !/\.test\.ya?ml$/i.test(name)

const finding = (file: string, rule: string, message: string): Finding =>
  ({ rule, severity: 'error', message, file, line: 1, col: 1, path: '' })

/** Compile-time deps for checking a workflow without running it (nothing here is ever called). */
const CHECK_DEPS: GraphDeps = { checkpointer: new MemorySaver(), model: new OfflineChatModel(), modelLabel: 'offline', docs: { search: async () => [] } }

/**
 * Loads every workflow file of `dir` (sorted by name): parse, schema, compile. An invalid file is
 * reported with its findings and skipped; it never takes the rest down. A name already taken by an
 * earlier file is a `duplicate-name` finding. Each definition's `parseInput` validates the run input
 * (the workflow's declared inputs, flat: `{ "target": "web" }`) and returns the graph's `{ inputs }`.
 *
 * @example
 * const { definitions, failures } = await loadWorkflowsDir('workflows')
 * failures.flatMap((f) => f.findings).map(formatFinding)
 */
export async function loadWorkflowsDir(dir: string, opts: LoadWorkflowsOptions = {}): Promise<{ definitions: WorkflowDefinition[]; failures: WorkflowFailure[] }> {
  let names: string[]
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isWorkflowFile(e.name)).map((e) => e.name).sort()
  } catch (e) {
    return { definitions: [], failures: [{ file: dir, findings: [finding(dir, LOAD_RULES.io, `cannot read workflows folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)] }] }
  }
  const definitions: WorkflowDefinition[] = []
  const failures: WorkflowFailure[] = []
  const seen = new Map<string, string>()
  for (const name of names) {
    const file = resolve(join(dir, name))
    const loaded = await loadWorkflowFile(file)
    if (!loaded.ok) { failures.push({ file, findings: [...loaded.findings] }); continue }
    const { spec, source } = loaded
    try {
      compileWorkflow(spec, { file, deps: CHECK_DEPS, source })
    } catch (e) {
      const found = isAppError(e) && Array.isArray(e.details?.findings) ? e.details.findings as Finding[] : undefined
      failures.push({ file, findings: found ?? [finding(file, 'compile', e instanceof Error ? e.message : String(e))] })
      continue
    }
    const first = seen.get(spec.name)
    if (first !== undefined) {
      const at = source.locate(['name'])
      failures.push({ file, findings: [{ ...finding(file, 'duplicate-name', `workflow name '${spec.name}' is already used by ${first}`), line: at.line, col: at.col, path: 'name' }] })
      continue
    }
    seen.set(spec.name, file)
    const inputSchema = workflowInputSchema(spec)
    definitions.push({
      name: spec.name,
      file,
      spec,
      description: spec.description ?? `YAML workflow ${name}`,
      parseInput: (input) => ({ inputs: parseWorkflowInputs(spec, input) }),
      inputSchema,
      failureOf: (values) => {
        const v = values as { status?: unknown; error?: { code?: unknown; message?: unknown } | null } | null
        if (v?.status !== 'failed') return undefined
        return { code: typeof v.error?.code === 'string' ? v.error.code : 'INTERNAL', message: typeof v.error?.message === 'string' ? v.error.message : `workflow ${spec.name} failed` }
      },
      build: (deps) => {
        const db = opts.db?.()
        const workspace = opts.workspaceRoot === undefined ? undefined : resolve(opts.workspaceRoot, spec.workspace ?? '.')
        return compileWorkflow(spec, { file, deps, source, ...(db ? { db } : {}), ...(workspace ? { workspace } : {}) })
      },
    })
  }
  return { definitions, failures }
}

/**
 * Loads `dir` and registers each workflow in `registry` beside the built-in graphs. A name a graph
 * already has (`CONFLICT` from `register`) becomes a `duplicate-name` failure instead of an error.
 */
export async function registerWorkflows(registry: GraphRegistry, dir: string, opts: LoadWorkflowsOptions = {}): Promise<{ registered: string[]; failures: WorkflowFailure[] }> {
  const { definitions, failures } = await loadWorkflowsDir(dir, opts)
  const registered: string[] = []
  for (const def of definitions) {
    try {
      registry.register(def)
      registered.push(def.name)
    } catch (e) {
      if (!isAppError(e) || e.code !== 'CONFLICT') throw e
      failures.push({ file: def.file, findings: [finding(def.file, 'duplicate-name', e.message)] })
    }
  }
  return { registered, failures }
}
