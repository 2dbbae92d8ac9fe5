import { sql, type Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { containsIgnoringCase, dialectOf } from './dialect.js'
import { jsonContains } from './json-filter.js'
import type { DB } from './schema.js'
import type { AssistantRow, AssistantVersionRow } from './server-schema.js'
import { currentTenant, DEFAULT_TENANT, writeTenant } from './tenant-scope.js'

type Json = Record<string, unknown>

/** An assistant as the Platform API returns it. */
export interface Assistant {
  assistant_id: string; graph_id: string; name: string; description: string | null
  config: Json; context: unknown; metadata: Json; version: number; created_at: string; updated_at: string
}
export type AssistantVersion = Omit<Assistant, 'updated_at'>

export interface AssistantFields { graph_id: string; name: string; description: string | null; config: Json; context: unknown; metadata: Json }
export interface AssistantFilter { graph_id?: string; name?: string; metadata?: Json }
export const ASSISTANT_SORT = ['assistant_id', 'graph_id', 'name', 'created_at', 'updated_at'] as const
export interface AssistantPage { limit: number; offset: number; sort_by?: (typeof ASSISTANT_SORT)[number]; sort_order?: 'asc' | 'desc' }

const parse = (text: string): Json => JSON.parse(text) as Json
const toAssistant = ({ tenant: _t, ...r }: AssistantRow): Assistant => ({ ...r, config: parse(r.config), context: JSON.parse(r.context) as unknown, metadata: parse(r.metadata) })
const toVersion = (r: AssistantVersionRow): AssistantVersion => ({ ...r, config: parse(r.config), context: JSON.parse(r.context) as unknown, metadata: parse(r.metadata) })
const columns = (f: AssistantFields) => ({
  graph_id: f.graph_id, name: f.name, description: f.description,
  config: JSON.stringify(f.config), context: JSON.stringify(f.context ?? {}), metadata: JSON.stringify(f.metadata),
})
const notFound = (id: string) => new AppError('NOT_FOUND', `assistant ${id} not found`, { details: { assistant_id: id } })

/**
 * Assistants and their versions. Takes a db or a transaction, never opens one: run `create`, `patch` and
 * `setLatest` in a transaction so a version number is never taken twice.
 * Inside a tenant's scope, its own assistants and those made outside any tenant (the graphs' defaults,
 * tenant `''`) exist, the latter read-only (a patch or delete is NOT_FOUND); other tenants' do not exist.
 * Outside a scope (CLI, start-up) every assistant does.
 */
export function createAssistantRepo(db: Kysely<DB>) {
  const visible = () => {
    const t = currentTenant()
    return t === undefined ? db.selectFrom('assistants') : db.selectFrom('assistants').where('tenant', 'in', [t, DEFAULT_TENANT])
  }
  /** Whether the caller may change assistant `id` (its own; anyone's outside a scope). */
  const owned = async (id: string) => {
    const t = currentTenant()
    let q = db.selectFrom('assistants').select('assistant_id').where('assistant_id', '=', id)
    if (t !== undefined) q = q.where('tenant', '=', t)
    if (!(await q.executeTakeFirst())) throw notFound(id)
  }
  const filtered = (f: AssistantFilter) => {
    let q = visible()
    if (f.graph_id !== undefined) q = q.where('graph_id', '=', f.graph_id)
    if (f.name !== undefined) q = q.where(containsIgnoringCase(dialectOf(db), sql.ref('name'), f.name))
    if (f.metadata !== undefined) q = q.where(jsonContains(sql.ref('metadata'), f.metadata, dialectOf(db)))
    return q
  }
  return {
    async find(id: string): Promise<Assistant | undefined> {
      const r = await visible().selectAll().where('assistant_id', '=', id).executeTakeFirst()
      return r && toAssistant(r)
    },

    async get(id: string): Promise<Assistant> {
      const a = await this.find(id)
      if (!a) throw notFound(id)
      return a
    },

    /** Inserts version 1. `ifExists: 'do_nothing'` returns the existing assistant unchanged; `'raise'` is a CONFLICT. */
    async create(id: string, fields: AssistantFields, ifExists: 'raise' | 'do_nothing'): Promise<Assistant> {
      const existing = await this.find(id)
      if (existing && ifExists === 'do_nothing') return existing
      if (existing) throw new AppError('CONFLICT', `assistant ${id} already exists`, { details: { assistant_id: id } })
      const r = await db.insertInto('assistants').values({ assistant_id: id, tenant: writeTenant(), version: 1, ...columns(fields) })
        .onConflict((oc) => oc.column('assistant_id').doNothing()).executeTakeFirst()
      // the id is taken by an assistant this caller cannot see (another tenant's): as for threads, not even a CONFLICT
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) throw notFound(id)
      await db.insertInto('assistant_versions').values({ assistant_id: id, version: 1, ...columns(fields) }).execute()
      return this.get(id)
    },

    /** Writes a new version from the current one plus `patch` (metadata merged) and makes it current. */
    async patch(id: string, patch: Partial<AssistantFields>): Promise<Assistant> {
      await owned(id)
      const cur = await this.get(id)
      const next: AssistantFields = {
        graph_id: patch.graph_id ?? cur.graph_id, name: patch.name ?? cur.name,
        description: patch.description ?? cur.description, config: patch.config ?? cur.config,
        context: patch.context ?? cur.context, metadata: { ...cur.metadata, ...patch.metadata },
      }
      const top = await db.selectFrom('assistant_versions').select((eb) => eb.fn.max('version').as('v'))
        .where('assistant_id', '=', id).executeTakeFirst()
      const version = Number(top?.v ?? 0) + 1
      await db.insertInto('assistant_versions').values({ assistant_id: id, version, ...columns(next) }).execute()
      await db.updateTable('assistants').set({ ...columns(next), version, updated_at: new Date().toISOString() })
        .where('assistant_id', '=', id).execute()
      return this.get(id)
    },

    /** Points the assistant at an earlier (or later) version. */
    async setLatest(id: string, version: number): Promise<Assistant> {
      await owned(id)
      const v = await db.selectFrom('assistant_versions').selectAll().where('assistant_id', '=', id).where('version', '=', version).executeTakeFirst()
      if (!v) throw new AppError('NOT_FOUND', `assistant ${id} has no version ${version}`, { details: { assistant_id: id, version } })
      await db.updateTable('assistants').set({ ...columns(toVersion(v)), version, updated_at: new Date().toISOString() })
        .where('assistant_id', '=', id).execute()
      return this.get(id)
    },

    async delete(id: string): Promise<void> {
      await owned(id)
      const r = await db.deleteFrom('assistants').where('assistant_id', '=', id).executeTakeFirst()
      if (Number(r.numDeletedRows) === 0) throw notFound(id)
    },

    async search(f: AssistantFilter, page: AssistantPage): Promise<Assistant[]> {
      const rows = await filtered(f).selectAll()
        .orderBy(page.sort_by ?? 'created_at', page.sort_order ?? 'desc').orderBy('assistant_id')
        .limit(page.limit).offset(page.offset).execute()
      return rows.map(toAssistant)
    },

    async count(f: AssistantFilter): Promise<number> {
      const r = await filtered(f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(r.n)
    },

    async versions(id: string, q: { metadata?: Json; limit: number; offset: number }): Promise<AssistantVersion[]> {
      let s = db.selectFrom('assistant_versions').selectAll().where('assistant_id', '=', id)
      if (q.metadata !== undefined) s = s.where(jsonContains(sql.ref('metadata'), q.metadata, dialectOf(db)))
      const rows = await s.orderBy('version', 'desc').limit(q.limit).offset(q.offset).execute()
      return rows.map(toVersion)
    },
  }
}
export type AssistantRepo = ReturnType<typeof createAssistantRepo>
