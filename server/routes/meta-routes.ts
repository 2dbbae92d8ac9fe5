import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Hono } from 'hono'
import { PACKAGE_ROOT } from '../../store/package-root.js'
import type { AppDeps } from '../app-deps.js'
import { cronsRoutes } from './crons-routes.js'

const versionOf = (path: string | URL): string | undefined => {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

export const VERSION = versionOf(join(PACKAGE_ROOT, 'package.json'))
const LANGGRAPH_VERSION = versionOf(createRequire(import.meta.url).resolve('@langchain/langgraph/package.json'))

/** `GET /ok` and `GET /info`, in the official server's shapes (`flags.crons` when the crons routes are mounted). */
export const metaRoutes = (deps: AppDeps) => new Hono()
  .get('/ok', (c) => c.json({ ok: true }))
  .get('/info', (c) => c.json({
    version: VERSION,
    langgraph_js_version: LANGGRAPH_VERSION,
    context: 'js',
    server: 'switchyard',
    flags: { assistants: true, crons: deps.routes?.includes(cronsRoutes) ?? false, langsmith: false, langsmith_tracing_replicas: false },
  }))
