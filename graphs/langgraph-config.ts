import { readFile, stat } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { AppError } from '../store/app-error.js'
import { langGraphDefinition, resolveGraphExport } from './langgraph-graph.js'
import { GraphRegistry, type GraphDefinition } from './registry.js'

const ImportSpec = z.string().trim().min(1, 'must not be empty')
  .refine((s) => s.includes(':'), { message: "import string must be in the format '<file>:<export>'" })
  .refine((s) => !['.py', '.pyx', '.pyd', '.pyi'].includes(extname(s.slice(0, s.lastIndexOf(':')))), { message: 'Python graphs are not supported' })

/** A graph entry: the official CLI's `"./file.ts:export"`, or `{ path, description }`. */
const GraphEntry = z.union([ImportSpec, z.object({ path: ImportSpec, description: z.string().optional() }).strict()])

/** The part of the official CLI's langgraph.json that Switchyard reads; other keys are allowed and ignored. */
export const LangGraphConfig = z.looseObject({
  graphs: z.record(z.string().min(1, 'graph names must not be empty'), GraphEntry),
  description: z.string().optional(),
})
export type LangGraphConfig = z.infer<typeof LangGraphConfig>

async function readConfig(configPath: string): Promise<LangGraphConfig> {
  let text: string
  try {
    text = await readFile(configPath, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `config file ${configPath} not found`, { cause })
    throw new AppError('VALIDATION', `config file ${configPath} cannot be read: ${(cause as Error).message}`, { cause })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new AppError('VALIDATION', `config file ${configPath} is not valid JSON: ${(cause as Error).message}`, { cause })
  }
  const r = LangGraphConfig.safeParse(json)
  if (r.success) return r.data
  const why = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')
  throw new AppError('VALIDATION', `config file ${configPath}: ${why}`, { details: { issues: r.error.issues } })
}

async function importGraph(name: string, spec: string, baseDir: string) {
  const cut = spec.lastIndexOf(':')
  const file = resolve(baseDir, spec.slice(0, cut))
  const exportName = spec.slice(cut + 1).trim() || 'default'
  const where = `graph "${name}" (${spec})`
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new AppError('NOT_FOUND', `${where}: file ${file} not found`)
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(file).href) as Record<string, unknown>
  } catch (cause) {
    throw new AppError('VALIDATION', `${where}: importing ${file} failed: ${(cause as Error).message ?? String(cause)}`, { cause })
  }
  if (!(exportName in mod) || mod[exportName] === undefined) {
    const known = Object.keys(mod).filter((k) => mod[k] !== undefined)
    throw new AppError('VALIDATION', `${where}: ${file} has no export "${exportName}" (exports: ${known.join(', ') || 'none'})`)
  }
  return resolveGraphExport(mod[exportName], where)
}

/**
 * Loads the graphs of an official-CLI `langgraph.json` (`"graphs": {"name": "./path.ts:export"}`):
 * paths are relative to the config file's folder, an empty export means `default`, and an export may
 * be a compiled graph, a `StateGraph` builder, or a (possibly async) factory of either. Each definition
 * builds a graph that checkpoints with the runtime's checkpointer; inputs pass through unchanged.
 * Throws NOT_FOUND for a missing file, VALIDATION (naming the file and key) for anything else.
 *
 * @example
 * const registry = new GraphRegistry()
 * for (const def of await loadLangGraphConfig('langgraph.json')) registry.register(def)
 */
export async function loadLangGraphConfig(configPath: string): Promise<GraphDefinition[]> {
  const abs = resolve(configPath)
  const cfg = await readConfig(abs)
  const defs: GraphDefinition[] = []
  for (const [name, entry] of Object.entries(cfg.graphs)) {
    const spec = typeof entry === 'string' ? entry : entry.path
    const description = (typeof entry === 'string' ? undefined : entry.description) ?? `from ${spec}`
    defs.push(langGraphDefinition(name, description, await importGraph(name, spec, dirname(abs))))
  }
  return defs
}

/**
 * The built-in graphs plus those of a langgraph.json (when a path is given); a name used twice is a CONFLICT.
 *
 * @example
 * const rt = await openRuntime({ dbPath, registry: await registryWithConfig('langgraph.json') })
 */
export async function registryWithConfig(configPath?: string): Promise<GraphRegistry> {
  const registry = new GraphRegistry()
  if (configPath) for (const def of await loadLangGraphConfig(configPath)) registry.register(def)
  return registry
}
