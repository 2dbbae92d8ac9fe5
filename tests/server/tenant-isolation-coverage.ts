/**
 * How tenant B attacks tenant A through every route of `GET /openapi.json` and every protocol v2 command.
 * The isolation test fails when a route or command has no entry here (or an entry names one that is gone):
 * a new route must say how another tenant could reach someone else's data through it.
 */

/** Ids of one tenant's data (A's), or fresh ones that name nothing (the control). */
export interface Ids {
  thread: string; thread2: string; run: string; pendingRun: string; checkpoint: string; interrupt: string
  cron: string; assistant: string; collection: string; docId: string; namespace: string; key: string
  /** B's own thread, the same in both sets: attacks through it reach A only by the ids they carry. */
  own: string
}

/**
 * One attempt. `path` fills the route's `{params}`; `expect` is the status B must get: 404 where A's
 * resource is named by the path or the body, else whatever the same request with ids that name nothing
 * gets (`'as-unknown'`: the answer must not tell A's ids from nobody's). Every answer is also checked
 * to contain none of A's ids or content.
 */
export interface Attack {
  path?: (i: Ids) => Record<string, string>
  query?: (i: Ids) => Record<string, string>
  body?: (i: Ids) => unknown
  expect: 404 | 'as-unknown'
  /** What B does after the attempt (and after its control) so that the next attempts meet A's data again, not B's. */
  undo?: (i: Ids) => { method: string; path: string; body?: unknown }
}

const T = (i: Ids) => ({ thread_id: i.thread })
const TR = (i: Ids) => ({ thread_id: i.thread, run_id: i.run })
const OWN = (i: Ids) => ({ thread_id: i.own })
const CP = (i: Ids) => ({ checkpoint_id: i.checkpoint })
const RUN_BODY = (i: Ids) => ({ assistant_id: i.assistant, input: { task: 'b' } })
const NF = 404 as const
/** A's thread by path: the auth guard answers before the route does. */
const onA = (body?: (i: Ids) => unknown): Attack => ({ path: T, body, expect: NF })

export const ROUTE_ATTACKS: Record<string, Attack[]> = {
  'GET /ok': [{ expect: 'as-unknown' }],
  'GET /info': [{ expect: 'as-unknown' }],
  'GET /openapi.json': [{ expect: 'as-unknown' }],
  'POST /assistants': [{ body: (i) => ({ assistant_id: i.assistant, graph_id: 'team', if_exists: 'do_nothing' }), expect: NF },
    { body: (i) => ({ assistant_id: i.assistant, graph_id: 'team' }), expect: NF }],
  'POST /assistants/search': [{ body: () => ({ limit: 1000 }), expect: 'as-unknown' }, { body: () => ({ metadata: { owner: 'alice' } }), expect: 'as-unknown' }],
  'POST /assistants/count': [{ body: () => ({ metadata: { owner: 'alice' } }), expect: 'as-unknown' }],
  'GET /assistants/{id}': [{ path: (i) => ({ id: i.assistant }), expect: NF }],
  'PATCH /assistants/{id}': [{ path: (i) => ({ id: i.assistant }), body: () => ({ name: 'taken' }), expect: NF },
    // the graphs' own assistants are shared, and read-only to tenants
    { path: () => ({ id: 'team' }), body: () => ({ name: 'taken' }), expect: NF }],
  'DELETE /assistants/{id}': [{ path: (i) => ({ id: i.assistant }), expect: NF }, { path: () => ({ id: 'sdlc' }), expect: NF }],
  'GET /assistants/{id}/graph': [{ path: (i) => ({ id: i.assistant }), expect: NF }],
  'GET /assistants/{id}/schemas': [{ path: (i) => ({ id: i.assistant }), expect: NF }],
  'GET /assistants/{id}/subgraphs/{namespace}?': [{ path: (i) => ({ id: i.assistant, namespace: '' }), expect: NF }],
  'POST /assistants/{id}/versions': [{ path: (i) => ({ id: i.assistant }), body: () => ({}), expect: NF }],
  'POST /assistants/{id}/latest': [{ path: (i) => ({ id: i.assistant }), body: () => ({ version: 1 }), expect: NF },
    { path: () => ({ id: 'team' }), body: () => ({ version: 1 }), expect: NF }],
  'POST /threads': [{ body: (i) => ({ thread_id: i.thread, if_exists: 'do_nothing' }), expect: NF },
    { body: (i) => ({ thread_id: i.thread }), expect: NF }],
  'POST /threads/search': [{ body: () => ({ limit: 1000 }), expect: 'as-unknown' }, { body: () => ({ metadata: { owner: 'alice' } }), expect: 'as-unknown' },
    { body: () => ({ status: 'interrupted' }), expect: 'as-unknown' }],
  'POST /threads/count': [{ body: () => ({ metadata: { owner: 'alice' } }), expect: 'as-unknown' }],
  'POST /threads/prune': [{ body: (i) => ({ thread_ids: [i.thread, i.thread2] }), expect: 'as-unknown' },
    { body: (i) => ({ thread_ids: [i.thread], strategy: 'keep_latest' }), expect: 'as-unknown' }],
  'GET /threads/{thread_id}': [onA()],
  'PATCH /threads/{thread_id}': [onA(() => ({ metadata: { owner: 'bob' } }))],
  'DELETE /threads/{thread_id}': [onA()],
  'POST /threads/{thread_id}/copy': [onA()],
  'GET /threads/{thread_id}/state': [onA()],
  'POST /threads/{thread_id}/state': [onA(() => ({ values: { task: 'b' } })),
    // A's checkpoint id on B's own thread names nothing there
    { path: OWN, body: (i) => ({ values: { task: 'b' }, checkpoint_id: i.checkpoint }), expect: 'as-unknown' }],
  'PATCH /threads/{thread_id}/state': [onA(() => ({ metadata: { owner: 'bob' } }))],
  'POST /threads/{thread_id}/state/checkpoint': [onA((i) => ({ checkpoint: CP(i) })), { path: OWN, body: (i) => ({ checkpoint: CP(i) }), expect: 'as-unknown' }],
  'GET /threads/{thread_id}/state/{checkpoint_id}': [{ path: (i) => ({ ...T(i), ...CP(i) }), expect: NF }, { path: (i) => ({ ...OWN(i), ...CP(i) }), expect: 'as-unknown' }],
  'GET /threads/{thread_id}/history': [onA()],
  'POST /threads/{thread_id}/history': [onA(() => ({ limit: 100 })), { path: OWN, body: (i) => ({ before: { configurable: CP(i) } }), expect: 'as-unknown' }],
  // B's put makes B's own item under the same namespace and key, which B then deletes again
  'PUT /store/items': [{ body: (i) => ({ namespace: [i.namespace], key: i.key, value: { owner: 'bob' } }), expect: 'as-unknown',
    undo: (i) => ({ method: 'DELETE', path: '/store/items', body: { namespace: [i.namespace], key: i.key } }) }],
  'GET /store/items': [{ query: (i) => ({ namespace: i.namespace, key: i.key }), expect: 'as-unknown' }],
  'DELETE /store/items': [{ body: (i) => ({ namespace: [i.namespace], key: i.key }), expect: 'as-unknown' }],
  'POST /store/items/search': [{ body: (i) => ({ namespace_prefix: [i.namespace] }), expect: 'as-unknown' }, { body: () => ({ namespace_prefix: [] }), expect: 'as-unknown' }],
  'POST /store/namespaces': [{ body: () => ({}), expect: 'as-unknown' }],
  'POST /threads/{thread_id}/runs': [onA(() => ({ assistant_id: 'team', input: { task: 'b' } })), { path: OWN, body: RUN_BODY, expect: NF }],
  'GET /threads/{thread_id}/runs': [onA()],
  'POST /threads/{thread_id}/runs/stream': [onA(() => ({ assistant_id: 'team', input: { task: 'b' } })), { path: OWN, body: RUN_BODY, expect: NF }],
  'POST /threads/{thread_id}/runs/wait': [onA(() => ({ assistant_id: 'team', input: { task: 'b' } })), { path: OWN, body: RUN_BODY, expect: NF }],
  'GET /threads/{thread_id}/runs/{run_id}': [{ path: TR, expect: NF }, { path: (i) => ({ thread_id: i.own, run_id: i.run }), expect: NF }],
  'DELETE /threads/{thread_id}/runs/{run_id}': [{ path: TR, expect: NF }, { path: (i) => ({ thread_id: i.own, run_id: i.pendingRun }), expect: NF }],
  'GET /threads/{thread_id}/runs/{run_id}/join': [{ path: TR, expect: NF }, { path: (i) => ({ thread_id: i.own, run_id: i.run }), expect: NF }],
  'GET /threads/{thread_id}/runs/{run_id}/stream': [{ path: TR, expect: NF }, { path: (i) => ({ thread_id: i.own, run_id: i.run }), expect: NF }],
  'POST /threads/{thread_id}/runs/{run_id}/cancel': [{ path: (i) => ({ thread_id: i.thread2, run_id: i.pendingRun }), expect: NF },
    { path: (i) => ({ thread_id: i.own, run_id: i.pendingRun }), expect: NF }],
  'POST /runs/cancel': [{ body: (i) => ({ run_ids: [i.pendingRun] }), expect: 'as-unknown' }, { body: (i) => ({ thread_id: i.thread2, status: 'all' }), expect: NF },
    { body: () => ({ status: 'pending' }), expect: 'as-unknown' }],
  'POST /runs': [{ body: RUN_BODY, expect: NF }],
  'POST /runs/stream': [{ body: RUN_BODY, expect: NF }],
  'POST /runs/wait': [{ body: RUN_BODY, expect: NF }],
  'POST /runs/batch': [{ body: (i) => [RUN_BODY(i)], expect: NF }],
  'POST /runs/crons': [{ body: (i) => ({ ...RUN_BODY(i), schedule: '0 0 1 1 *' }), expect: NF }],
  'POST /threads/{thread_id}/runs/crons': [onA(() => ({ assistant_id: 'team', schedule: '0 0 1 1 *' })), { path: OWN, body: (i) => ({ ...RUN_BODY(i), schedule: '0 0 1 1 *' }), expect: NF }],
  'POST /runs/crons/search': [{ body: () => ({ limit: 1000 }), expect: 'as-unknown' }, { body: (i) => ({ thread_id: i.thread2 }), expect: 'as-unknown' },
    { body: (i) => ({ assistant_id: i.assistant }), expect: 'as-unknown' }],
  'POST /runs/crons/count': [{ body: (i) => ({ thread_id: i.thread2 }), expect: 'as-unknown' }],
  'GET /runs/crons/{cron_id}': [{ path: (i) => ({ cron_id: i.cron }), expect: NF }],
  'PATCH /runs/crons/{cron_id}': [{ path: (i) => ({ cron_id: i.cron }), body: () => ({ enabled: false }), expect: NF }],
  'DELETE /runs/crons/{cron_id}': [{ path: (i) => ({ cron_id: i.cron }), expect: NF }],
  'POST /api/workflows/execute': [{ body: () => ({ task: 'b' }), expect: 'as-unknown' }],
  'POST /api/workflows': [{ body: () => ({ task: 'b', graph: 'sdlc' }), expect: 'as-unknown' }],
  'GET /api/workflows': [{ expect: 'as-unknown' }],
  // graph definitions are the server's, shared by every tenant; naming A's assistant finds nothing
  'GET /api/threads/{thread_id}/runs/{run_id}/events': [{ path: TR, expect: NF }, { path: (i) => ({ thread_id: i.own, run_id: i.run }), expect: NF }],
  'GET /api/threads/{thread_id}/graph-versions': [{ path: T, expect: NF }],
  'GET /api/workflow-definitions/{graph_id}': [{ path: (i) => ({ graph_id: i.assistant }), expect: NF }],
  'GET /api/workflows/{id}': [{ path: (i) => ({ id: i.thread }), expect: NF }],
  'GET /api/workflows/{id}/status': [{ path: (i) => ({ id: i.thread }), expect: NF }],
  'POST /api/workflows/{id}/start': [{ path: (i) => ({ id: i.thread2 }), expect: NF }],
  'POST /api/workflows/{id}/respond': [{ path: (i) => ({ id: i.thread }), body: () => ({ action: 'approve' }), expect: NF }],
  'GET /threads/{thread_id}/stream/events': [onA()],
  'POST /threads/{thread_id}/stream/events': [onA(() => ({ channels: ['lifecycle'], since: 0 }))],
  'POST /threads/{thread_id}/commands': [onA(() => ({ id: 1, method: 'state.get', params: {} })),
    { path: OWN, body: (i) => ({ id: 1, method: 'agent.getTree', params: { run_id: i.run } }), expect: 'as-unknown' }],
  'GET /rag/collections': [{ expect: 'as-unknown' }],
  // B's write makes B's own collection of that name, which B then deletes again
  'POST /rag/collections/{name}/documents': [{ path: (i) => ({ name: i.collection }), body: () => ({ documents: [{ source: 'b', text: 'bob text' }] }), expect: 'as-unknown',
    undo: (i) => ({ method: 'DELETE', path: `/rag/collections/${encodeURIComponent(i.collection)}` }) }],
  'GET /rag/collections/{name}/documents': [{ path: (i) => ({ name: i.collection }), expect: NF }],
  'POST /rag/collections/{name}/search': [{ path: (i) => ({ name: i.collection }), body: () => ({ query: 'alice' }), expect: NF }],
  'DELETE /rag/collections/{name}': [{ path: (i) => ({ name: i.collection }), expect: NF }],
  'DELETE /rag/collections/{name}/documents/{id}': [{ path: (i) => ({ name: i.collection, id: i.docId }), expect: NF }],
}

/** Protocol v2 commands, sent by B over a WebSocket on B's own thread, carrying A's ids. */
export const COMMAND_ATTACKS: Record<string, ((i: Ids) => Record<string, unknown>)[]> = {
  'run.start': [(i) => ({ assistant_id: i.assistant, input: { task: 'b' } })],
  'input.respond': [(i) => ({ interrupt_id: i.interrupt, response: { action: 'approve' } })],
  'input.inject': [(i) => ({ message: { role: 'user', content: `about ${i.thread}` }, namespace: [i.thread] })],
  'state.get': [(i) => ({ namespace: [i.thread] })],
  'state.listCheckpoints': [(i) => ({ before: i.checkpoint })],
  'state.fork': [(i) => ({ checkpoint_id: i.checkpoint })],
  'subscription.subscribe': [() => ({ channels: ['lifecycle', 'values', 'messages'], since: 0 })],
  'subscription.unsubscribe': [(i) => ({ subscription_id: i.run })],
  'subscription.reconnect': [(i) => ({ run_id: i.run, last_event_id: '0', subscriptions: ['s1'] })],
  'agent.getTree': [(i) => ({ run_id: i.run })],
}
