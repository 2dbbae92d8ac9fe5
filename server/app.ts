import { Hono } from 'hono'
import { AppError } from '../store/app-error.js'
import type { AppDeps, RouteFactory, RouteGroup } from './app-deps.js'
import { apiKeyAuth } from './auth.js'
import { bodySizeLimit } from './body-size-limit.js'
import { jsonDepthLimit } from './json-depth-limit.js'
import { customAuth } from './custom-auth.js'
import { corsMiddleware } from './http-config.js'
import { ensureGraphAssistants } from '../runtime/graph-assistants.js'
import { errorHandler, routeNotFound } from './http-errors.js'
import { accessLog } from './logger.js'
import { requestTracing } from './request-tracing.js'
import { metricsRoute } from './metrics.js'
import { assistantsRoutes } from './routes/assistants-routes.js'
import { cronsRoutes } from './routes/crons-routes.js'
import { protocolRoutes } from './routes/protocol-routes.js'
import { runsRoutes } from './routes/runs-routes.js'
import { metaRoutes, VERSION } from './routes/meta-routes.js'
import { openApiDocument } from './openapi.js'
import { storeRoutes } from './routes/store-routes.js'
import { threadsRoutes } from './routes/threads-routes.js'
import { webStatic } from './web-static.js'

export type { AppDeps, RouteFactory } from './app-deps.js'

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** The resources every app serves; `deps.routes` are mounted after these (that is where the runs routes go). */
export const BUILT_IN_ROUTES: readonly RouteFactory[] = [metaRoutes, assistantsRoutes, threadsRoutes, storeRoutes]

// what `http.disable_<group>` switches off, as in the official server (runs take crons and the protocol stream along)
const GROUP_OF = new Map<RouteFactory, RouteGroup>([
  [metaRoutes, 'meta'], [assistantsRoutes, 'assistants'], [threadsRoutes, 'threads'], [storeRoutes, 'store'],
  [runsRoutes, 'runs'], [cronsRoutes, 'runs'], [protocolRoutes, 'runs'],
])

/**
 * The LangGraph Platform API over a runtime: one sub-app per resource, zod at the boundary, and every
 * failure (bad input, unknown id or route, body too large, internal) answered as JSON `{code, message, details}`.
 *
 * @example
 * const app = createApp({ rt, routes: [runsRoutes] })
 * const res = await app.request('/assistants/search', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  // outermost: every request, refused ones too, is a span (a no-op when tracing is off)
  app.use('*', requestTracing())
  // refused requests (401, 413) are logged too
  if (deps.logger) app.use('*', accessLog(deps.logger))
  if (deps.metrics) app.use('*', deps.metrics.http)
  // the default assistant of each graph exists before the first request is answered
  const ready = ensureGraphAssistants(deps.rt)
  ready.catch(() => undefined)
  const cors = corsMiddleware(deps.cors, deps.corsOrigins)
  if (cors) app.use('*', cors)
  const maxSize = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  app.use('*', bodySizeLimit(maxSize, () => {
    throw new AppError('TOO_LARGE', `request body larger than ${maxSize} bytes`, { details: { max_bytes: maxSize } })
  }))
  // a body that parses but nests thousands deep would overflow the stack of whatever recurses over it next
  app.use('*', jsonDepthLimit())
  // the page itself needs no key (its requests to the API do); paths outside / and /ui/* pass through
  if (deps.webDir) app.use('*', webStatic(deps.webDir))
  if (deps.customAuth) app.use('*', customAuth(deps.customAuth, deps.rt))
  else if (deps.apiKeys) app.use('*', apiKeyAuth(deps.apiKeys, deps.rt.store.db))
  app.use('*', async function awaitReady(_c, next) {
    await ready
    await next()
  })
  if (deps.httpApp) app.route('/', deps.httpApp)
  const off = (r: RouteFactory) => { const g = GROUP_OF.get(r); return g !== undefined && deps.disabledRoutes?.has(g) === true }
  for (const routes of [...BUILT_IN_ROUTES, ...(deps.routes ?? [])]) if (!off(routes)) app.route('/', routes(deps))
  if (deps.metrics) metricsRoute(app, deps.metrics)
  // read from the route table at request time, so it lists every route mounted above
  if (!deps.disabledRoutes?.has('meta')) app.get('/openapi.json', (c) => c.json(openApiDocument(app, VERSION ?? '0.0.0')))
  app.onError(errorHandler(deps.logError ?? ((e) => console.error(e.cause ?? e))))
  app.notFound(routeNotFound)
  return app
}
