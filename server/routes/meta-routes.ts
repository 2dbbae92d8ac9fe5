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

/**
 * `GET /ok` and `GET /info`, in the official server's shapes (`flags.crons` when the crons routes are mounted).
 * `/ok` names a dependency that is down: the database → 503 `{"ok":false,"database":"down"}` (this process
 * can serve nothing: a load balancer should send requests elsewhere); the signal transport (Redis, the
 * NOTIFY connection) → 200 `{"ok":true,"degraded":["redis"],"redis":"down"}`, since every request still
 * works (live tails fall back to polling the log) and taking every API process out of rotation for it would
 * turn a slower tail into an outage. All up: `{"ok":true}`, as the official server answers.
 */
export const metaRoutes = (deps: AppDeps) => new Hono()
  .get('/ok', async (c) => {
    const health = await deps.rt.health()
    const down = Object.keys(health).filter((k) => health[k] === 'down')
    if (down.length === 0) return c.json({ ok: true })
    const states = Object.fromEntries(down.map((k) => [k, 'down']))
    if (health.database === 'down') return c.json({ ok: false, ...states }, 503)
    return c.json({ ok: true, degraded: down, ...states })
  })
  .get('/info', (c) => c.json({
    version: VERSION,
    langgraph_js_version: LANGGRAPH_VERSION,
    context: 'js',
    server: 'switchyard',
    flags: { assistants: true, crons: deps.routes?.includes(cronsRoutes) ?? false, langsmith: false, langsmith_tracing_replicas: false },
  }))
