import { sql, type Kysely } from 'kysely'
import { AppError } from './app-error.js'
import type { CronRow, CronTable } from './cron-schema.js'
import { dialectOf } from './dialect.js'
import { jsonContains } from './json-filter.js'
import type { DB } from './schema.js'
import { currentTenant, writeTenant } from './tenant-scope.js'

type Json = Record<string, unknown>

export const CRON_SORT = ['cron_id', 'assistant_id', 'thread_id', 'created_at', 'updated_at', 'next_run_date'] as const
export interface CronFilter { assistant_id?: string; thread_id?: string; enabled?: boolean; metadata?: Json }
export interface CronPage { limit: number; offset: number; sort_by?: (typeof CRON_SORT)[number]; sort_order?: 'asc' | 'desc' }
export type NewCron = Omit<CronTable, 'tenant' | 'created_at' | 'updated_at'>
export type CronPatch = Partial<Omit<CronTable, 'cron_id' | 'tenant' | 'created_at' | 'updated_at' | 'thread_id'>>

const notFound = (id: string) => new AppError('NOT_FOUND', `cron ${id} not found`, { details: { cron_id: id } })

/**
 * Cron jobs. Inside a tenant's request only its crons exist; the scheduler (no tenant scope) sees
 * all of them and fires each in its own tenant. Takes a db or a transaction, never opens one.
 */
export function createCronRepo(db: Kysely<DB>) {
  const scoped = () => {
    const t = currentTenant()
    return t === undefined ? db.selectFrom('crons') : db.selectFrom('crons').where('tenant', '=', t)
  }
  const filtered = (f: CronFilter) => {
    let q = scoped()
    if (f.assistant_id !== undefined) q = q.where('assistant_id', '=', f.assistant_id)
    if (f.thread_id !== undefined) q = q.where('thread_id', '=', f.thread_id)
    if (f.enabled !== undefined) q = q.where('enabled', '=', f.enabled ? 1 : 0)
    if (f.metadata !== undefined) q = q.where(jsonContains(sql.ref('metadata'), f.metadata, dialectOf(db)))
    return q
  }
  return {
    async create(c: NewCron): Promise<CronRow> {
      const now = new Date().toISOString()
      return db.insertInto('crons').values({ ...c, tenant: writeTenant(), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow()
    },

    get: (id: string): Promise<CronRow> =>
      scoped().selectAll().where('cron_id', '=', id).executeTakeFirstOrThrow(() => notFound(id)),

    async update(id: string, patch: CronPatch): Promise<CronRow> {
      await this.get(id)
      return db.updateTable('crons').set({ ...patch, updated_at: new Date().toISOString() }).where('cron_id', '=', id)
        .returningAll().executeTakeFirstOrThrow(() => notFound(id))
    },

    async delete(id: string): Promise<void> {
      await this.get(id)
      await db.deleteFrom('crons').where('cron_id', '=', id).execute()
    },

    /** Removes the crons of a thread (the thread is being deleted). */
    async deleteForThread(threadId: string): Promise<void> {
      await db.deleteFrom('crons').where('thread_id', '=', threadId).execute()
    },

    /** Removes the crons of an assistant (it is being deleted), every tenant's. */
    async deleteForAssistant(assistantId: string): Promise<void> {
      await db.deleteFrom('crons').where('assistant_id', '=', assistantId).execute()
    },

    search: (f: CronFilter, p: CronPage): Promise<CronRow[]> =>
      filtered(f).selectAll().orderBy(p.sort_by ?? 'created_at', p.sort_order ?? 'desc').orderBy('cron_id').limit(p.limit).offset(p.offset).execute(),

    async count(f: CronFilter): Promise<number> {
      const r = await filtered(f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(r.n)
    },

    /** Enabled crons due at `now` (ISO), every tenant's: the scheduler's query. */
    due: (now: string): Promise<CronRow[]> =>
      db.selectFrom('crons').selectAll().where('enabled', '=', 1).where('next_run_date', '<=', now).orderBy('next_run_date').limit(100).execute(),

    /** When the next enabled cron is due, if any. */
    async nextDue(): Promise<string | undefined> {
      const r = await db.selectFrom('crons').select('next_run_date').where('enabled', '=', 1).where('next_run_date', 'is not', null)
        .orderBy('next_run_date').limit(1).executeTakeFirst()
      return r?.next_run_date ?? undefined
    },

    /**
     * Moves a due cron to its next date, only if it is still due at `was` (another process may have
     * fired it): true when this caller won the firing.
     */
    async advance(id: string, was: string, next: string | null): Promise<boolean> {
      const r = await db.updateTable('crons').set({ next_run_date: next }).where('cron_id', '=', id).where('next_run_date', '=', was).executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },
  }
}
export type CronRepo = ReturnType<typeof createCronRepo>
