import { sql, type Kysely } from 'kysely'
import { AppError } from './app-error.js'
import { jsonContains } from './json-filter.js'
import type { DB } from './schema.js'
import { writeTenant } from './tenant-scope.js'
import type { StoreItemRow } from './server-schema.js'

type Json = Record<string, unknown>

/** An item of the key-value store, as the `/store` API returns it. */
export interface StoreItem { namespace: string[]; key: string; value: Json; created_at: string; updated_at: string }

/** Labels are joined with `.`, so a label may be neither empty nor contain a period. */
export function namespaceKey(namespace: string[]): string {
  for (const label of namespace) {
    if (label === '' || label.includes('.')) {
      throw new AppError('VALIDATION', `namespace labels may not be empty or contain a period: ${JSON.stringify(namespace)}`)
    }
  }
  return namespace.join('.')
}

const split = (ns: string): string[] => (ns === '' ? [] : ns.split('.'))
const toItem = (r: StoreItemRow): StoreItem => ({ ...r, namespace: split(r.namespace), value: JSON.parse(r.value) as Json })
const matches = (labels: string[], pattern: string[]) => pattern.every((p, i) => p === '*' || labels[i] === p)

/** The long-term store behind `/store/*`. Takes a db or a transaction, never opens one. */
export function createStoreItemRepo(db: Kysely<DB>) {
  // store items always belong to a tenant ('' on an open server), part of their key
  const mine = () => db.selectFrom('store_items').where('tenant', '=', writeTenant())
  const underPrefix = (prefix: string[]) => {
    const p = namespaceKey(prefix)
    return prefix.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(namespace = ${p} or substr(namespace, 1, ${p.length + 1}) = ${`${p}.`})`
  }
  return {
    async put(namespace: string[], key: string, value: Json): Promise<void> {
      const now = new Date().toISOString()
      await db.insertInto('store_items').values({ tenant: writeTenant(), namespace: namespaceKey(namespace), key, value: JSON.stringify(value), created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['tenant', 'namespace', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: now })).execute()
    },

    async get(namespace: string[], key: string): Promise<StoreItem | null> {
      const r = await mine().selectAll().where('namespace', '=', namespaceKey(namespace)).where('key', '=', key).executeTakeFirst()
      return r ? toItem(r) : null
    },

    async delete(namespace: string[], key: string): Promise<void> {
      await db.deleteFrom('store_items').where('tenant', '=', writeTenant()).where('namespace', '=', namespaceKey(namespace)).where('key', '=', key).execute()
    },

    /** Items under `prefix` whose value contains `filter`; `query` is a case-insensitive substring of the value's JSON. */
    async search(prefix: string[], q: { filter?: Json; query?: string; limit: number; offset: number }): Promise<StoreItem[]> {
      let s = mine().selectAll().where(underPrefix(prefix))
      if (q.filter !== undefined) s = s.where(jsonContains(sql.ref('value'), q.filter))
      if (q.query) s = s.where(sql<boolean>`instr(lower(value), lower(${q.query})) > 0`)
      const rows = await s.orderBy('updated_at', 'desc').orderBy('namespace').orderBy('key').limit(q.limit).offset(q.offset).execute()
      return rows.map(toItem)
    },

    /** Distinct namespaces matching `prefix` and `suffix` (`*` matches any label), cut to `maxDepth` labels. */
    async listNamespaces(q: { prefix?: string[]; suffix?: string[]; maxDepth?: number; limit: number; offset: number }): Promise<string[][]> {
      const literal = q.prefix && !q.prefix.includes('*') ? q.prefix : []
      const rows = await mine().select('namespace').distinct().where(underPrefix(literal)).execute()
      const found = new Map<string, string[]>()
      for (const { namespace } of rows) {
        const labels = split(namespace)
        if (q.prefix && (labels.length < q.prefix.length || !matches(labels, q.prefix))) continue
        if (q.suffix && (labels.length < q.suffix.length || !matches(labels.slice(-q.suffix.length), q.suffix))) continue
        const cut = q.maxDepth !== undefined ? labels.slice(0, q.maxDepth) : labels
        found.set(cut.join('.'), cut)
      }
      return [...found.keys()].sort().slice(q.offset, q.offset + q.limit).map((k) => found.get(k)!)
    },
  }
}
export type StoreItemRepo = ReturnType<typeof createStoreItemRepo>
