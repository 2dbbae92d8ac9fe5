import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { RawProtocolClient } from '../server/protocol-harness.js'
import { until } from '../until.js'
import { ROOT, spawnServe, stopChild } from './cli-harness.js'

const AUTH = `import { Auth, HTTPException } from '@langchain/langgraph-sdk/auth'
const USERS: Record<string, { identity: string; permissions: string[] }> = {
  'tok-alice-admin': { identity: 'alice', permissions: ['admin'] },
  'tok-alice-ro': { identity: 'alice', permissions: [] },
  'tok-bob': { identity: 'bob', permissions: [] },
}
export const auth = new Auth()
  .authenticate(async (request: Request) => {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '')
    if (!token) throw new HTTPException(401, { message: 'a bearer token is required', headers: { 'www-authenticate': 'Bearer' } })
    const user = USERS[token]
    if (!user) throw new HTTPException(401, { message: 'unknown token' })
    return user
  })
  .on('threads:create', ({ value, user }) => {
    value.metadata = { ...(value.metadata ?? {}), owner: user.identity }
  })
  .on(['threads:read', 'threads:search'], ({ permissions }) => (permissions.includes('admin') ? undefined : { visibility: 'public' }))
  .on('threads:delete', ({ permissions }) => permissions.includes('admin'))
  .on('threads:create_run', ({ value, permissions }) => {
    if (!permissions.includes('admin')) throw new HTTPException(403, { message: 'runs need the admin permission' })
    value.metadata = { ...(value.metadata ?? {}), checked: true }
  })
  .on('assistants:delete', () => false)
  .on('store:put', ({ value, user }) => { value.namespace = [user.identity, ...value.namespace] })
  .on(['store:get', 'store:search'], ({ permissions }) => (permissions.includes('admin') ? undefined : { visibility: 'public' }))
`
const GRAPH = `import { Annotation, StateGraph } from '@langchain/langgraph'
import type { RunnableConfig } from '@langchain/core/runnables'
const S = Annotation.Root({ who: Annotation<string>, perms: Annotation<string[]> })
export const graph = new StateGraph(S).addNode('a', (_s: typeof S.State, config: RunnableConfig) => {
  const u = config.configurable?.langgraph_auth_user as { identity: string } | undefined
  return { who: u?.identity ?? 'nobody', perms: config.configurable?.langgraph_auth_permissions as string[] }
}).addEdge('__start__', 'a').addEdge('a', '__end__').compile()
`

const sdk = (apiUrl: string, token?: string) =>
  new Client({ apiUrl, apiKey: null, defaultHeaders: token ? { authorization: `Bearer ${token}` } : {}, callerOptions: { maxRetries: 0 } })
const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status)

describe('langgraph.json auth.path: the SDK Auth object over a real switchyard serve', () => {
  let dir: string
  let srv: ReturnType<typeof spawnServe>
  let url: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-lgauth-'))
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'auth-project', type: 'module' }))
    writeFileSync(join(dir, 'src/auth.ts'), AUTH)
    writeFileSync(join(dir, 'src/graph.ts'), GRAPH)
    writeFileSync(join(dir, 'langgraph.json'), JSON.stringify({ graphs: { who: './src/graph.ts:graph' }, auth: { path: './src/auth.ts:auth' } }))
    srv = spawnServe(['--db', join(dir, 'sy.db'), '--config', join(dir, 'langgraph.json')])
    url = await srv.url
  })
  afterAll(async () => { await stopChild(srv.child); rmSync(dir, { recursive: true, force: true }) })

  it('authenticates every request: 401 with the handler\'s message and headers; /ok stays open', async () => {
    const none = await fetch(`${url}/threads/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect(await none.json()).toEqual({ code: 'UNAUTHORIZED', message: 'a bearer token is required' })
    expect(await status(sdk(url, 'tok-mallory').threads.search())).toBe(401)
    expect((await fetch(`${url}/ok`)).status).toBe(200)
  })

  it('authenticates WebSocket upgrades too', async () => {
    const ws = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
      const s = new WebSocket(`${url.replace('http', 'ws')}/threads/00000000-0000-4000-8000-000000000000/stream/events`, { headers })
      s.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      s.once('open', () => { s.close(); resolve(101) })
      s.once('error', reject)
    })
    expect(await ws({})).toBe(401)
    expect(await ws({ authorization: 'Bearer tok-alice-admin' })).toBe(101)
  })

  it('protocol v2: run.start goes through the threads:create_run handler as well', async () => {
    const t = await sdk(url, 'tok-alice-admin').threads.create({ metadata: { visibility: 'public' } })
    const wsUrl = `${url.replace('http', 'ws')}/threads/${t.thread_id}/stream/events`
    const ro = await RawProtocolClient.open(wsUrl, { authorization: 'Bearer tok-alice-ro' })
    const refused = await ro.command('run.start', { assistant_id: 'who', input: {} })
    ro.socket.close()
    const admin = await RawProtocolClient.open(wsUrl, { authorization: 'Bearer tok-alice-admin' })
    const ok = await admin.command('run.start', { assistant_id: 'who', input: {} })
    admin.socket.close()
    expect(refused).toMatchObject({ type: 'error', error: 'permission_denied', message: 'runs need the admin permission' })
    expect(ok).toMatchObject({ type: 'success' })
    const runs = await sdk(url, 'tok-alice-admin').runs.list(t.thread_id)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.metadata).toMatchObject({ checked: true })
  })

  it('the identity is the tenant and reaches the graph as config.configurable.langgraph_auth_user', async () => {
    const alice = sdk(url, 'tok-alice-admin')
    const t = await alice.threads.create({ metadata: { visibility: 'private' } })
    expect(t.metadata).toMatchObject({ owner: 'alice', visibility: 'private' })
    expect(await alice.runs.wait(t.thread_id, 'who', { input: {} })).toEqual({ who: 'alice', perms: ['admin'] })
    const [run] = await alice.runs.list(t.thread_id)
    expect(run!.metadata).toMatchObject({ checked: true })
    expect(await status(sdk(url, 'tok-bob').threads.get(t.thread_id))).toBe(404)
  })

  it('a cron\'s runs carry the user who created it', async () => {
    const alice = sdk(url, 'tok-alice-admin')
    const t = await alice.threads.create()
    const cron = await alice.crons.createForThread(t.thread_id, 'who', { schedule: '* * * * * *', input: {} })
    try {
      // the first firing's run, once it exists, joined to its end (the test's timeout is the ceiling)
      const fired = await until(async () => (await alice.runs.list(t.thread_id))[0], 'the cron\'s first run')
      await alice.runs.join(t.thread_id, fired.run_id)
      expect((await alice.runs.get(t.thread_id, fired.run_id)).status).toBe('success')
    } finally {
      await alice.crons.delete(cron.cron_id)
    }
    expect((await alice.threads.getState(t.thread_id)).values).toEqual({ who: 'alice', perms: ['admin'] })
  })

  it('on handlers: filters hide what does not match, false and HTTPException refuse', async () => {
    const admin = sdk(url, 'tok-alice-admin')
    const ro = sdk(url, 'tok-alice-ro')
    const pub = await admin.threads.create({ metadata: { visibility: 'public' } })
    const priv = await admin.threads.create({ metadata: { visibility: 'private' } })
    const seen = (await ro.threads.search({ limit: 100 })).map((t) => t.thread_id)
    expect(seen).toContain(pub.thread_id)
    expect(seen).not.toContain(priv.thread_id)
    expect((await admin.threads.search({ limit: 100 })).map((t) => t.thread_id)).toEqual(expect.arrayContaining([pub.thread_id, priv.thread_id]))
    expect(await status(ro.threads.get(priv.thread_id))).toBe(404)
    expect((await ro.threads.get(pub.thread_id)).thread_id).toBe(pub.thread_id)
    expect(await status(ro.threads.delete(pub.thread_id))).toBe(403)
    const denied = await fetch(`${url}/threads/${pub.thread_id}/runs/wait`, { method: 'POST', headers: { authorization: 'Bearer tok-alice-ro', 'content-type': 'application/json' }, body: JSON.stringify({ assistant_id: 'who', input: {} }) })
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ code: 'FORBIDDEN', message: 'runs need the admin permission' })
    const batch = (token: string) => fetch(`${url}/runs/batch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify([{ assistant_id: 'who', input: {} }]) })
    expect((await batch('tok-alice-ro')).status).toBe(403)
    expect((await batch('tok-alice-admin')).status).toBe(200)
    const [assistant] = await admin.assistants.search({ graphId: 'who' })
    expect(await status(admin.assistants.delete(assistant!.assistant_id))).toBe(403)
    expect(await status(admin.threads.delete(priv.thread_id))).toBe(200)
  })

  it('store: a handler rewrites the namespace of a put, and filters what reads return', async () => {
    const admin = sdk(url, 'tok-alice-admin')
    const ro = sdk(url, 'tok-alice-ro')
    await admin.store.putItem(['notes'], 'pub', { text: 'for all', visibility: 'public' })
    await admin.store.putItem(['notes'], 'priv', { text: 'for admins', visibility: 'private' })
    expect(await admin.store.getItem(['alice', 'notes'], 'priv')).toMatchObject({ namespace: ['alice', 'notes'], value: { text: 'for admins' } })
    expect(await admin.store.getItem(['notes'], 'priv')).toBeNull()
    expect((await admin.store.searchItems(['alice', 'notes'])).items.map((i) => i.key).sort()).toEqual(['priv', 'pub'])
    expect((await ro.store.searchItems(['alice', 'notes'])).items.map((i) => i.key)).toEqual(['pub'])
    expect(await ro.store.getItem(['alice', 'notes'], 'pub')).toMatchObject({ key: 'pub' })
    expect(await status(ro.store.getItem(['alice', 'notes'], 'priv'))).toBe(404)
    expect((await sdk(url, 'tok-bob').store.searchItems(['alice'])).items).toEqual([])
  })
})
