import { extname } from 'node:path'
import { z } from 'zod'

const ImportSpec = z.string().trim().min(1, 'must not be empty')
  .refine((s) => s.includes(':'), { message: "import string must be in the format '<file>:<export>'" })
  .refine((s) => !['.py', '.pyx', '.pyd', '.pyi'].includes(extname(s.slice(0, s.lastIndexOf(':')))), { message: 'Python graphs are not supported' })

/** A module export: `./file.ts:name`, or `./file.ts` for its default export (as the official CLI reads auth.path and http.app). */
const ModuleSpec = z.string().trim().min(1, 'must not be empty')

/** A graph entry: the official CLI's `"./file.ts:export"`, or `{ path, description }`. */
const GraphEntry = z.union([ImportSpec, z.strictObject({ path: ImportSpec, description: z.string().optional() })])

const Cors = z.strictObject({
  allow_origins: z.array(z.string()).optional(),
  allow_methods: z.array(z.string()).optional(),
  allow_headers: z.array(z.string()).optional(),
  allow_credentials: z.boolean().optional(),
  allow_origin_regex: z.string().optional(),
  expose_headers: z.array(z.string()).optional(),
  max_age: z.number().int().nonnegative().optional(),
})


/** `embed` as LangGraph writes it, `<provider>:<model>`; only OpenAI-compatible endpoints are served here. */
const Embed = z.string().trim().regex(/^openai:.+/, 'only "openai:<model>" is supported (an OpenAI-compatible /embeddings endpoint, reached through SWITCHYARD_EMBEDDINGS_BASE_URL or OPENAI_BASE_URL)')

/**
 * The official `langgraph.json` keys Switchyard honours, with the values it supports: anything else
 * under them is refused by name (strict objects). Top-level keys are checked before this schema runs
 * (see `IGNORED_KEYS` and `langgraph-config.ts`).
 */
export const LangGraphConfig = z.strictObject({
  graphs: z.record(z.string().min(1, 'graph names must not be empty'), GraphEntry),
  env: z.unknown().refine((v) => !Array.isArray(v), { message: 'a list of variable names (env storage) is not supported: give a file path or an object', abort: true })
    .pipe(z.union([z.string().trim().min(1, 'must name a file'), z.record(z.string(), z.string())], { error: 'must be a dotenv file path or an object of strings' })).optional(),
  dependencies: z.array(z.string().min(1)).optional(),
  node_version: z.enum(['20', '22', '24'], { error: 'must be "20", "22" or "24"' }).optional(),
  node_loader: z.literal('tsx', { error: 'only "tsx" is supported (TypeScript graphs are loaded with tsx)' }).optional(),
  auth: z.strictObject({
    path: ModuleSpec.optional(),
    disable_studio_auth: z.boolean().optional(),
  }).optional(),
  http: z.strictObject({
    app: ModuleSpec.optional(),
    cors: Cors.optional(),
    disable_assistants: z.boolean().optional(),
    disable_threads: z.boolean().optional(),
    disable_runs: z.boolean().optional(),
    disable_store: z.boolean().optional(),
    disable_meta: z.boolean().optional(),
  }).optional(),
  store: z.strictObject({
    index: z.strictObject({
      embed: Embed,
      dims: z.number().int().min(1).max(8192),
      fields: z.array(z.string().min(1)).min(1).optional(),
    }).optional(),
  }).optional(),
  checkpointer: z.strictObject({
    ttl: z.strictObject({
      strategy: z.literal('delete', { error: 'only "delete" is supported' }).optional(),
      default_ttl: z.number().positive().optional(),
      sweep_interval_minutes: z.number().int().min(1).optional(),
    }).optional(),
  }).optional(),
})
export type LangGraphConfig = z.infer<typeof LangGraphConfig>

/**
 * Keys of the official schema that its JS dev server reads but does nothing with (they describe a
 * Docker build or a Python deployment): accepted, and ignored here too.
 */
export const IGNORED_KEYS = [
  '$schema', 'description', 'dockerfile_lines', 'docker_compose_file', 'api_version', '_INTERNAL_docker_tag',
  'python_version', 'pip_config_file', 'pip_installer', 'base_image', 'image_distro', 'keep_pkg_tools',
] as const

/** Keys the official JS dev server honours that Switchyard does not: refused with the reason. */
export const REFUSED_KEYS: Record<string, string> = {
  ui: 'generative UI components are not served by Switchyard',
  ui_config: 'generative UI components are not served by Switchyard',
}
