import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { z } from 'zod'
import { AppError } from '../store/app-error.js'
import { applyConfigEnv, type AppliedEnv } from './config-env.js'
import { IGNORED_KEYS, LangGraphConfig, REFUSED_KEYS } from './langgraph-config-schema.js'
import { langGraphDefinition, resolveGraphExport } from './langgraph-graph.js'
import { importExport } from './module-import.js'
import { GraphRegistry, type GraphDefinition } from './registry.js'

export { LangGraphConfig } from './langgraph-config-schema.js'

const HONOURED = Object.keys(LangGraphConfig.shape)

function issueText(file: string, i: z.core.$ZodIssue): string {
  const at = i.path.map(String)
  if (i.code === 'unrecognized_keys') {
    return i.keys.map((k) => `${file}: ${[...at, k].join('.')}: not a key Switchyard supports here`).join('; ')
  }
  return `${file}: ${at.join('.') || '(root)'}: ${i.message}`
}

/** Reads and validates a langgraph.json: every key is honoured, ignored as the official JS server ignores it, or refused by name. */
export async function readLangGraphConfig(file: string): Promise<LangGraphConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `config file ${file} not found`, { cause })
    throw new AppError('VALIDATION', `config file ${file} cannot be read: ${(cause as Error).message}`, { cause })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new AppError('VALIDATION', `config file ${file} is not valid JSON: ${(cause as Error).message}`, { cause })
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AppError('VALIDATION', `${file}: (root): must be a JSON object`)
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(json)) {
    if (HONOURED.includes(key)) kept[key] = value
    else if (REFUSED_KEYS[key]) throw new AppError('VALIDATION', `${file}: ${key}: ${REFUSED_KEYS[key]}`, { details: { key } })
    else if (!(IGNORED_KEYS as readonly string[]).includes(key)) {
      throw new AppError('VALIDATION', `${file}: ${key}: not a langgraph.json key Switchyard knows (it honours ${HONOURED.join(', ')}; it ignores ${IGNORED_KEYS.join(', ')})`, { details: { key } })
    }
  }
  const r = LangGraphConfig.safeParse(kept)
  if (r.success) return r.data
  throw new AppError('VALIDATION', r.error.issues.map((i) => issueText(file, i)).join('; '), { details: { issues: r.error.issues } })
}

/** A langgraph.json, loaded: its graphs, and what the server needs from its other keys. */
export interface LangGraphProject {
  /** The config file, absolute. */
  file: string
  /** Its folder: graph, auth and http paths are relative to it (as in the official server). */
  dir: string
  config: LangGraphConfig
  graphs: GraphDefinition[]
  env: AppliedEnv
  /** Lines for stderr (a missing env file). */
  notices: string[]
  /** The `auth.path` export (the SDK's `Auth` object; the server checks it). */
  auth?: unknown
  /** The `http.app` export (a Hono app; the server checks it). */
  httpApp?: unknown
}

/**
 * Loads an official-CLI `langgraph.json`: applies `env` first (graph modules may read it at import), then
 * imports the graphs (`"name": "./path.ts:export"`, relative to the config's folder; an empty export means
 * `default`; an export may be a compiled graph, a `StateGraph` builder, or a (possibly async) factory of
 * either), then the `auth.path` and `http.app` modules. Each graph checkpoints with the runtime's
 * checkpointer; inputs pass through unchanged. Throws NOT_FOUND for a missing file, VALIDATION (naming
 * the file and key) for anything else.
 *
 * @example
 * const project = await loadLangGraphProject('langgraph.json')
 * for (const def of project.graphs) registry.register(def)
 */
export async function loadLangGraphProject(configPath: string, o: { env?: NodeJS.ProcessEnv } = {}): Promise<LangGraphProject> {
  const file = resolve(configPath)
  const dir = dirname(file)
  const config = await readLangGraphConfig(file)
  const env = await applyConfigEnv(config.env, { configFile: file, baseDir: dir, target: o.env })
  const graphs: GraphDefinition[] = []
  for (const [name, entry] of Object.entries(config.graphs)) {
    const spec = typeof entry === 'string' ? entry : entry.path
    const description = (typeof entry === 'string' ? undefined : entry.description) ?? `from ${spec}`
    const where = `graph "${name}" (${spec})`
    const value = await importExport(spec.endsWith(':') ? spec.slice(0, -1) : spec, dir, where)
    graphs.push(langGraphDefinition(name, description, await resolveGraphExport(value, where)))
  }
  const auth = config.auth?.path ? await importExport(config.auth.path, dir, `${file}: auth.path`) : undefined
  const httpApp = config.http?.app ? await importExport(config.http.app, dir, `${file}: http.app`) : undefined
  return { file, dir, config, graphs, env, notices: env.notice ? [env.notice] : [], auth, httpApp }
}

/** The graph definitions of a langgraph.json (see {@link loadLangGraphProject}). */
export async function loadLangGraphConfig(configPath: string): Promise<GraphDefinition[]> {
  return (await loadLangGraphProject(configPath)).graphs
}

/**
 * The graphs of a langgraph.json, exactly (as the official server serves them), or with `builtins` the
 * built-in graphs beside them, a config graph taking a built-in's name. Without a config: the built-ins.
 * (`loadGraphs` in graph-loader.ts is the CLI's and server's way in: it adds YAML workflows and notices.)
 *
 * @example
 * const rt = await openRuntime({ dbPath, registry: await registryWithConfig('langgraph.json') })
 */
export async function registryWithConfig(configPath?: string, o: { builtins?: boolean } = {}): Promise<GraphRegistry> {
  if (!configPath) return new GraphRegistry()
  const registry = new GraphRegistry(o.builtins ? undefined : [])
  for (const def of await loadLangGraphConfig(configPath)) registry.register(def, { replace: true })
  return registry
}
