import type { Hono } from 'hono'
import type { LangGraphProject } from '../graphs/langgraph-config.js'
import { AppError } from '../store/app-error.js'
import { authHandlersOf } from './custom-auth.js'
import type { ServeOptions } from './serve.js'

const isHono = (v: unknown): v is Hono =>
  typeof v === 'object' && v !== null && typeof (v as { fetch?: unknown }).fetch === 'function' && Array.isArray((v as { routes?: unknown }).routes)

/**
 * What a langgraph.json asks of the server, as `startServer` options: `auth.path` (custom auth),
 * `http.app` (mounted before the API) and `http.cors`, `store.index` (the store's embeddings: `openai:<model>`
 * through the OpenAI-compatible endpoint of SWITCHYARD_EMBEDDINGS_BASE_URL / OPENAI_BASE_URL, `dims` asked
 * for with text-embedding-3 models only, `fields` the default index fields), `checkpointer.ttl` (the TTL new
 * threads get, and how often expired ones are swept).
 * @throws AppError VALIDATION naming the file and key when a module's export is not what the key needs.
 */
export function serveOptionsOf(p: LangGraphProject, env: NodeJS.ProcessEnv = process.env): Partial<ServeOptions> {
  const o: Partial<ServeOptions> = {}
  if (p.auth !== undefined) o.customAuth = authHandlersOf(p.auth, `${p.file}: auth.path`)
  if (p.httpApp !== undefined) {
    if (!isHono(p.httpApp)) throw new AppError('VALIDATION', `${p.file}: http.app: expected a Hono app (new Hono()), got ${typeof p.httpApp}`)
    o.httpApp = p.httpApp
  }
  if (p.config.http?.cors) o.cors = p.config.http.cors
  const off = (['assistants', 'threads', 'runs', 'store', 'meta'] as const).filter((g) => p.config.http?.[`disable_${g}`] === true)
  if (off.length) o.disabledRoutes = new Set(off)
  const index = p.config.store?.index
  if (index) {
    const model = index.embed.slice('openai:'.length)
    o.env = {
      ...env,
      SWITCHYARD_EMBEDDINGS_MODEL: model,
      ...(model.startsWith('text-embedding-3') ? { SWITCHYARD_EMBEDDINGS_DIMENSIONS: String(index.dims) } : {}),
    }
    if (index.fields) o.storeIndexFields = index.fields
  }
  const ttl = p.config.checkpointer?.ttl
  if (ttl?.default_ttl !== undefined) o.threadTtlMinutes = ttl.default_ttl
  if (ttl?.sweep_interval_minutes !== undefined) o.storeSweepMs = ttl.sweep_interval_minutes * 60_000
  return o
}
