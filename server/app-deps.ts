import type { Hono } from 'hono'
import type { ApiKeys } from './auth.js'
import type { AuthHandlers } from './auth-authorize.js'
import type { CorsConfig } from './http-config.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import type { Runtime } from '../runtime/runtime.js'

/** The route groups a langgraph.json's `http.disable_<group>` can switch off. */
export type RouteGroup = 'assistants' | 'threads' | 'runs' | 'store' | 'meta'

/** A resource's routes: a sub-app built from the app's dependencies. */
export type RouteFactory = (deps: AppDeps) => Hono

/** What the HTTP app is built from. */
export interface AppDeps {
  /** The runtime every route reads and writes: store, checkpointer, graphs. */
  rt: Runtime
  /** API key → tenant. When set, every request needs a key and sees only its tenant's threads, runs, events and store items. */
  apiKeys?: ApiKeys
  /** Allowed CORS origins (`['*']` for any). CORS is off when absent or empty (and `cors` is absent). */
  corsOrigins?: string[]
  /** CORS as a langgraph.json's `http.cors` gives it (wins over `corsOrigins`). */
  cors?: CorsConfig
  /** Custom auth (langgraph.json `auth.path`): the SDK `Auth` object's handlers; replaces `apiKeys`. */
  customAuth?: AuthHandlers
  /** API route groups not served (langgraph.json `http.disable_runs` …); `runs` includes crons and the protocol v2 stream. */
  disabledRoutes?: ReadonlySet<RouteGroup>
  /** A user's Hono app (langgraph.json `http.app`): mounted after auth and before the API, so its routes win a shared path, as in the official server. */
  httpApp?: Hono
  /** Largest request body accepted, in bytes (default 1 MB); larger ones get a 413. */
  maxBodyBytes?: number
  /**
   * More resources mounted after the built-in ones (meta, assistants, threads, store): the runs routes
   * plug in here, e.g. `createApp({ rt, routes: [runsRoutes] })`.
   */
  routes?: RouteFactory[]
  /** SSE heartbeat interval (ms, default 10 000). */
  heartbeatMs?: number
  /**
   * How often a protocol v2 session (WebSocket or SSE) looks in the store for new runs on its thread
   * regardless (ms, default 5 000): runs created in this process wake it at once, and runs another
   * process creates wake it at that process's commit (PRAGMA data_version, see store/commit-watch.ts).
   */
  protocolPollMs?: number
  /** Where internal (5xx) errors are reported; default `console.error`. */
  logError?: (e: Error) => void
  /** Structured log: with it, every request is logged (method, path, status, ms). */
  logger?: Logger
  /** Prometheus metrics: with them, requests are timed and `GET /metrics` serves the registry. */
  metrics?: Metrics
  /** The built web debugger (web/dist): with it, `GET /` and `/ui/*` serve the page (see web-static.ts). */
  webDir?: string
}
