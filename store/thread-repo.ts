import { sql, type Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { dialectOf } from './dialect.js'
import { jsonContains } from './json-filter.js'
import type { ThreadRow } from './run-schema.js'
import type { DB } from './schema.js'
import { currentTenant, writeTenant } from './tenant-scope.js'

type Json = Record<string, unknown>

export const THREAD_STATUSES = ['idle', 'busy', 'interrupted', 'error'] as const
export type ThreadStatus = (typeof THREAD_STATUSES)[number]
export const THREAD_SORT = ['thread_id', 'status', 'created_at', 'updated_at'] as const
export interface ThreadFilter { metadata?: Json; status?: ThreadStatus; ids?: string[] }
export interface ThreadPage { limit?: number; offset?: number; sort_by?: (typeof THREAD_SORT)[number]; sort_order?: 'asc' | 'desc' }

const notFound = (id: string) => new AppError('NOT_FOUND', `thread ${id} not found`, { details: { thread_id: id } })

/**
 * Threads as the HTTP API queries them (create, search, patch, copy, delete). The runner's own thread
 * bookkeeping (status, binding a graph) stays in run-repo. Takes a db or a transaction, never opens one.
 */
export function createThreadRepo(db: Kysely<DB>) {
  // inside a tenant's request only its threads exist; outside (CLI, workers) every thread does
  const scoped = () => {
    const t = currentTenant()
    return t === undefined ? db.selectFrom('threads') : db.selectFrom('threads').where('tenant', '=', t)
  }
  const filtered = (f: ThreadFilter) => {
    let q = scoped()
    if (f.status !== undefined) q = q.where('status', '=', f.status)
    if (f.ids !== undefined && f.ids.length > 0) q = q.where('thread_id', 'in', f.ids)
    if (f.metadata !== undefined) {
      // a thread bound to a graph by its first run reports that graph as metadata.graph_id
      const { graph_id: graphId, ...rest } = f.metadata
      q = q.where(jsonContains(sql.ref('metadata'), rest, dialectOf(db)))
      if (graphId !== undefined) {
        q = q.where((eb) => eb.or([jsonContains(sql.ref('metadata'), { graph_id: graphId }, dialectOf(db)), eb('graph', '=', String(graphId))]))
      }
    }
    return q
  }
  return {
    find: (id: string): Promise<ThreadRow | undefined> =>
      scoped().selectAll().where('thread_id', '=', id).executeTakeFirst(),

    get: (id: string): Promise<ThreadRow> =>
      scoped().selectAll().where('thread_id', '=', id).executeTakeFirstOrThrow(() => notFound(id)),

    /** `ifExists: 'do_nothing'` returns the existing thread unchanged; `'raise'` is a CONFLICT. */
    async create(id: string, fields: { metadata: Json; graph: string | null; ttl?: number | null }, ifExists: 'raise' | 'do_nothing'): Promise<ThreadRow> {
      const r = await db.insertInto('threads').values({ thread_id: id, tenant: writeTenant(), graph: fields.graph, metadata: JSON.stringify(fields.metadata), ttl_minutes: fields.ttl ?? null })
        .onConflict((oc) => oc.column('thread_id').doNothing()).executeTakeFirst()
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
        // taken by a thread this caller cannot see (another tenant's): not even a CONFLICT, which would confirm it
        const mine = await this.find(id)
        if (!mine) throw notFound(id)
        if (ifExists === 'raise') throw new AppError('CONFLICT', `thread ${id} already exists`, { details: { thread_id: id } })
        return mine
      }
      return this.get(id)
    },

    /** Merges `patch` into the thread's metadata (top-level keys). */
    async patchMetadata(id: string, patch: Json): Promise<ThreadRow> {
      const cur = await this.get(id)
      const metadata = { ...(JSON.parse(cur.metadata) as Json), ...patch }
      await db.updateTable('threads').set({ metadata: JSON.stringify(metadata), updated_at: new Date().toISOString() })
        .where('thread_id', '=', id).execute()
      return this.get(id)
    },

    /** Sets (or with null, removes) the thread's TTL, counted from now. */
    async setTtl(id: string, ttl: number | null): Promise<void> {
      await this.get(id)
      await db.updateTable('threads').set({ ttl_minutes: ttl, updated_at: new Date().toISOString() }).where('thread_id', '=', id).execute()
    },

    /** Threads of every tenant whose TTL ran out by `now` (ISO): left alone longer than their TTL. */
    async expired(now: string): Promise<string[]> {
      const rows = await db.selectFrom('threads').select('thread_id').where('ttl_minutes', 'is not', null)
        .where(dialectOf(db) === 'postgres'
          ? sql<boolean>`updated_at::timestamptz + ttl_minutes * interval '1 minute' <= ${now}::timestamptz`
          : sql<boolean>`julianday(updated_at) + ttl_minutes / 1440.0 <= julianday(${now})`).limit(500).execute()
      return rows.map((r) => r.thread_id)
    },

    async touch(id: string): Promise<void> {
      await db.updateTable('threads').set({ updated_at: new Date().toISOString() }).where('thread_id', '=', id).execute()
    },

    /** Without `limit`, every match (the caller filters further, e.g. on state values). */
    search(f: ThreadFilter, page: ThreadPage): Promise<ThreadRow[]> {
      let q = filtered(f).selectAll().orderBy(page.sort_by ?? 'created_at', page.sort_order ?? 'desc').orderBy('thread_id')
      if (page.limit !== undefined) q = q.limit(page.limit).offset(page.offset ?? 0)
      return q.execute()
    },

    async count(f: ThreadFilter): Promise<number> {
      const r = await filtered(f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(r.n)
    },

    /** Deletes the thread row with its runs and their event logs (checkpoints belong to the checkpointer). */
    async delete(id: string): Promise<void> {
      await this.get(id)
      const runs = db.selectFrom('runs').select('run_id').where('thread_id', '=', id)
      await db.deleteFrom('run_events').where('run_id', 'in', runs).execute()
      await db.deleteFrom('runs').where('thread_id', '=', id).execute()
      await db.deleteFrom('threads').where('thread_id', '=', id).execute()
    },

    /** A new thread row with the source's graph, metadata, status (a running source is copied as idle) and TTL (else `defaultTtl`). */
    async insertCopy(from: ThreadRow, newId: string, defaultTtl?: number): Promise<ThreadRow> {
      const status = from.status === 'busy' ? 'idle' : from.status
      await db.insertInto('threads').values({ thread_id: newId, tenant: writeTenant(), graph: from.graph, metadata: from.metadata, status, ttl_minutes: from.ttl_minutes ?? defaultTtl ?? null }).execute()
      return this.get(newId)
    },
  }
}
export type ThreadRepo = ReturnType<typeof createThreadRepo>
