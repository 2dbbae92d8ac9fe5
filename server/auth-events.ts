type Json = Record<string, unknown>

/** The resource a request acts on, whose metadata an `on` handler's filters are checked against. */
export type AuthTarget = { kind: 'thread' | 'assistant' | 'cron'; id: string }

/**
 * What a request is to the SDK's `Auth.on` handlers: the event (`threads:create`, …), the value they get
 * (and may change), the resource the filters apply to, and how a search applies them.
 */
export interface AuthEvent {
  event: string
  value: Json
  /** An existing resource: not matching the filters is a 404 (a create: 409). */
  target?: AuthTarget
  /** The request creates `target` when it does not exist (a create with an id). */
  creates?: boolean
  /** A search or count: the filters narrow its results. */
  search?: 'threads' | 'assistants' | 'crons'
  /** Body keys a handler's changes to `value` are written back to (`metadata` of a create, a store put's item). */
  writeBack?: string[]
  /** A store request: the filters are checked against `{...value, namespace, key}` of its items. */
  store?: 'put' | 'get' | 'delete' | 'search' | 'list_namespaces'
}

type Build = (m: RegExpExecArray, body: Json, query: URLSearchParams) => AuthEvent
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {})
const id = (m: RegExpExecArray) => decodeURIComponent(m[1]!)
const thread = (action: string, extra: (b: Json, m: RegExpExecArray) => Json = () => ({})): Build => (m, b) =>
  ({ event: `threads:${action}`, value: { thread_id: id(m), ...extra(b, m) }, target: { kind: 'thread', id: id(m) } })
const createRun: Build = (m, b) => ({
  event: 'threads:create_run',
  value: { thread_id: m[1] ? id(m) : undefined, assistant_id: b.assistant_id, metadata: obj(b.metadata), multitask_strategy: b.multitask_strategy, if_not_exists: b.if_not_exists, after_seconds: b.after_seconds, kwargs: { input: b.input, command: b.command, config: b.config, context: b.context } },
  ...(m[1] ? { target: { kind: 'thread' as const, id: id(m) } } : {}),
  writeBack: ['metadata'],
})
const assistant = (action: string): Build => (m, b) =>
  ({ event: `assistants:${action}`, value: { assistant_id: id(m), ...(action === 'update' ? { metadata: b.metadata, config: b.config, graph_id: b.graph_id, name: b.name } : {}) }, target: { kind: 'assistant', id: id(m) }, ...(action === 'update' ? { writeBack: ['metadata'] } : {}) })
const cron = (action: string): Build => (m, b) =>
  ({ event: `crons:${action}`, value: { cron_id: id(m), ...(action === 'update' ? { schedule: b.schedule, payload: b.payload } : {}) }, target: { kind: 'cron', id: id(m) } })
const namespaceOf = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split('.') : undefined

const T = '/threads/([^/]+)'
const ROUTES: [string, RegExp, Build][] = [
  ['POST', /^\/threads\/(?:search|count)$/, (_m, b) => ({ event: 'threads:search', value: { metadata: b.metadata, status: b.status, values: b.values, ids: b.ids, limit: b.limit, offset: b.offset }, search: 'threads' })],
  ['POST', /^\/threads\/prune$/, (_m, b) => ({ event: 'threads:delete', value: { thread_ids: b.thread_ids } })],
  ['POST', /^\/threads$/, (_m, b) => ({
    event: 'threads:create', value: { thread_id: b.thread_id, metadata: obj(b.metadata), if_exists: b.if_exists },
    ...(typeof b.thread_id === 'string' ? { target: { kind: 'thread' as const, id: b.thread_id }, creates: true } : {}), writeBack: ['metadata'],
  })],
  ['POST', new RegExp(`^${T}/runs(?:/stream|/wait)?$`), createRun],
  ['POST', /^\/runs(?:\/stream|\/wait)?()$/, createRun],
  ['POST', new RegExp(`^${T}/runs/crons$`), (m, b) => ({ event: 'crons:create', value: { thread_id: id(m), schedule: b.schedule, payload: b }, target: { kind: 'thread', id: id(m) } })],
  ['POST', /^\/runs\/crons$/, (_m, b) => ({ event: 'crons:create', value: { schedule: b.schedule, payload: b } })],
  ['POST', /^\/runs\/crons\/(?:search|count)$/, (_m, b) => ({ event: 'crons:search', value: { assistant_id: b.assistant_id, thread_id: b.thread_id, limit: b.limit, offset: b.offset }, search: 'crons' })],
  ['GET', /^\/runs\/crons\/([^/]+)$/, cron('read')],
  ['PATCH', /^\/runs\/crons\/([^/]+)$/, cron('update')],
  ['DELETE', /^\/runs\/crons\/([^/]+)$/, cron('delete')],
  ['POST', new RegExp(`^${T}/runs/([^/]+)/cancel$`), thread('update', (b) => ({ action: b.action ?? 'interrupt' }))],
  ['DELETE', new RegExp(`^${T}/runs/([^/]+)$`), thread('delete', (_b, m) => ({ run_id: decodeURIComponent(m[2]!) }))],
  ['PATCH', new RegExp(`^${T}$`), (m, b) => ({ ...thread('update')(m, b, new URLSearchParams()), value: { thread_id: id(m), metadata: obj(b.metadata) }, writeBack: ['metadata'] })],
  ['DELETE', new RegExp(`^${T}$`), thread('delete')],
  ['POST', new RegExp(`^${T}/(?:state|state/checkpoint|commands)$`), thread('update')],
  ['PATCH', new RegExp(`^${T}/state$`), thread('update')],
  ['POST', new RegExp(`^${T}/(?:history|copy|stream/events)$`), thread('read')],
  ['GET', new RegExp(`^${T}(?:/.*)?$`), thread('read')],
  ['POST', /^\/assistants\/(?:search|count)$/, (_m, b) => ({ event: 'assistants:search', value: { graph_id: b.graph_id, metadata: b.metadata, limit: b.limit, offset: b.offset }, search: 'assistants' })],
  ['POST', /^\/assistants$/, (_m, b) => ({
    event: 'assistants:create', value: { assistant_id: b.assistant_id, graph_id: b.graph_id, metadata: obj(b.metadata), config: b.config, context: b.context, if_exists: b.if_exists, name: b.name, description: b.description },
    ...(typeof b.assistant_id === 'string' ? { target: { kind: 'assistant' as const, id: b.assistant_id }, creates: true } : {}), writeBack: ['metadata'],
  })],
  ['POST', /^\/assistants\/([^/]+)\/latest$/, assistant('update')],
  ['POST', /^\/assistants\/([^/]+)\/versions$/, assistant('read')],
  ['PATCH', /^\/assistants\/([^/]+)$/, assistant('update')],
  ['DELETE', /^\/assistants\/([^/]+)$/, assistant('delete')],
  ['GET', /^\/assistants\/([^/]+)(?:\/.*)?$/, assistant('read')],
  ['PUT', /^\/store\/items$/, (_m, b) => ({ event: 'store:put', value: { namespace: namespaceOf(b.namespace), key: b.key, value: b.value }, writeBack: ['namespace', 'key', 'value'], store: 'put' })],
  ['GET', /^\/store\/items$/, (_m, _b, q) => ({ event: 'store:get', value: { namespace: namespaceOf(q.get('namespace')), key: q.get('key') }, store: 'get' })],
  ['DELETE', /^\/store\/items$/, (_m, b) => ({ event: 'store:delete', value: { namespace: namespaceOf(b.namespace), key: b.key }, store: 'delete' })],
  ['POST', /^\/store\/items\/search$/, (_m, b) => ({ event: 'store:search', value: { namespace: namespaceOf(b.namespace_prefix), filter: b.filter, limit: b.limit, offset: b.offset, query: b.query }, store: 'search' })],
  ['POST', /^\/store\/namespaces$/, (_m, b) => ({ event: 'store:list_namespaces', value: { namespace: namespaceOf(b.prefix), suffix: b.suffix, max_depth: b.max_depth, limit: b.limit, offset: b.offset }, store: 'list_namespaces' })],
]

/** `POST /runs/batch`: one `threads:create_run` event per run of the batch. */
export const batchRunEvents = (body: unknown[]): AuthEvent[] =>
  body.map((item) => createRun(Object.assign([''], { index: 0, input: '' }) as unknown as RegExpExecArray, obj(item), new URLSearchParams()))

/**
 * The `Auth.on` event of an API request (the official server's names and values), or undefined for
 * requests no handler sees (meta, `/api/workflows`, `/rag`, a user's `http.app` routes).
 *
 * @example
 * authEventOf('POST', '/threads', { metadata: {} }, new URLSearchParams())?.event // 'threads:create'
 */
export function authEventOf(method: string, path: string, body: unknown, query: URLSearchParams): AuthEvent | undefined {
  for (const [m, re, build] of ROUTES) {
    if (m !== method) continue
    const match = re.exec(path)
    if (match) return build(match, obj(body), query)
  }
  return undefined
}
