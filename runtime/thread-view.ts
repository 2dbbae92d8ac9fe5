import { isDeepStrictEqual } from 'node:util'
import type { ThreadRow } from '../store/run-schema.js'
import { createThreadRepo, type ThreadFilter, type ThreadPage } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'

type Json = Record<string, unknown>

/** A thread as the Platform API returns it. `values` and `interrupts` appear once the thread has a checkpoint. */
export interface ThreadView {
  thread_id: string; created_at: string; updated_at: string; state_updated_at: string
  metadata: Json; status: string; config: Json
  values?: unknown; interrupts?: Record<string, unknown[]>
  /** Present when the thread has a TTL: deleted after `ttl_minutes` without a run or an update, so at `expires_at` unless touched. */
  ttl?: { strategy: 'delete'; ttl_minutes: number; expires_at: string }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `superset` contains `subset`: every key present with an equal value, objects matched key by key. */
export function jsonContained(superset: unknown, subset: Json): boolean {
  if (!isObject(superset)) return false
  return Object.entries(subset).every(([k, v]) =>
    isObject(v) ? jsonContained(superset[k], v) : k in superset && isDeepStrictEqual(superset[k], v))
}

const ttlView = (updatedAt: string, minutes: number) =>
  ({ strategy: 'delete' as const, ttl_minutes: minutes, expires_at: new Date(Date.parse(updatedAt) + minutes * 60_000).toISOString() })

/** The thread row plus its head state: values and the pending interrupts by task id. */
export async function threadView(rt: Runtime, row: ThreadRow): Promise<ThreadView> {
  const metadata = { ...(JSON.parse(row.metadata) as Json), ...(row.graph ? { graph_id: row.graph } : {}) }
  const view: ThreadView = {
    thread_id: row.thread_id, created_at: row.created_at, updated_at: row.updated_at, state_updated_at: row.updated_at,
    metadata, status: row.status, config: {},
    ...(row.ttl_minutes !== null ? { ttl: ttlView(row.updated_at, row.ttl_minutes) } : {}),
  }
  if (!row.graph || !rt.registry.names().includes(row.graph)) return view
  const s = await rt.graph(row.graph).getState({ configurable: { thread_id: row.thread_id } })
  if (!s.config.configurable?.checkpoint_id) return view
  view.values = s.values
  view.interrupts = Object.fromEntries(s.tasks.filter((t) => t.interrupts.length > 0).map((t) => [t.id, t.interrupts]))
  if (s.createdAt) view.state_updated_at = s.createdAt
  return view
}

/**
 * `POST /threads/search`: SQL narrows by status, ids and metadata and pages; a `values` filter needs each
 * thread's state, so then every SQL match is read and the page is cut after filtering.
 */
export async function searchThreads(rt: Runtime, f: ThreadFilter & { values?: Json }, page: Required<Pick<ThreadPage, 'limit' | 'offset'>> & ThreadPage): Promise<{ threads: ThreadView[]; total: number }> {
  const repo = createThreadRepo(rt.store.db)
  if (f.values === undefined) {
    const [rows, total] = await Promise.all([repo.search(f, page), repo.count(f)])
    return { threads: await Promise.all(rows.map((r) => threadView(rt, r))), total }
  }
  const all = await Promise.all((await repo.search(f, { sort_by: page.sort_by, sort_order: page.sort_order })).map((r) => threadView(rt, r)))
  const values = f.values
  const hits = all.filter((t) => jsonContained(t.values, values))
  return { threads: hits.slice(page.offset, page.offset + page.limit), total: hits.length }
}
