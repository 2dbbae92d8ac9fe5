import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { AppError } from '../store/app-error.js'

/** langgraph.json `http.cors`, as the official server reads it. */
export interface CorsConfig {
  allow_origins?: string[]
  allow_methods?: string[]
  allow_headers?: string[]
  allow_credentials?: boolean
  allow_origin_regex?: string
  expose_headers?: string[]
  max_age?: number
}

/** The headers the SDK reads on cross-origin responses; the official server adds the missing ones to `expose_headers` too. */
const EXPOSED = ['X-Pagination-Next', 'X-Pagination-Total', 'Content-Location', 'Location']

/**
 * CORS from `http.cors` (origins or an origin regex, methods, headers, credentials, exposed headers,
 * max age, with the official server's meanings), else from `--cors` origins; undefined: CORS off.
 * (The official dev server answers every origin when `http.cors` is absent; Switchyard stays closed.)
 */
export function corsMiddleware(cfg: CorsConfig | undefined, origins: string[] | undefined): MiddlewareHandler | undefined {
  if (!cfg) {
    if (!origins?.length) return undefined
    return cors({ origin: origins.includes('*') ? '*' : origins, exposeHeaders: EXPOSED })
  }
  let origin: string | string[] | ((o: string) => string | undefined) = cfg.allow_origins ?? '*'
  if (cfg.allow_origin_regex) {
    let re: RegExp
    try {
      re = new RegExp(cfg.allow_origin_regex)
    } catch (e) {
      throw new AppError('VALIDATION', `http.cors.allow_origin_regex: ${(e as Error).message}`)
    }
    origin = (o) => (re.test(o) ? o : undefined)
  }
  const expose = cfg.expose_headers ? [...new Set([...cfg.expose_headers, ...EXPOSED.filter((h) => !cfg.expose_headers!.some((x) => x.toLowerCase() === h.toLowerCase()))])] : EXPOSED
  return cors({
    origin,
    exposeHeaders: expose,
    ...(cfg.allow_methods ? { allowMethods: cfg.allow_methods } : {}),
    ...(cfg.allow_headers ? { allowHeaders: cfg.allow_headers } : {}),
    ...(cfg.allow_credentials !== undefined ? { credentials: cfg.allow_credentials } : {}),
    ...(cfg.max_age !== undefined ? { maxAge: cfg.max_age } : {}),
  })
}
