import { sql, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import type { DocMetadata } from './extract-text.js'
import { ragTenant } from './rag-tenant.js'

/** A collection with its size. */
export interface CollectionSummary {
  name: string
  documents: number
  chunks: number
  createdAt: string
}

/** A document of a collection, without its text. */
export interface DocumentSummary {
  id: number
  source: string
  title: string
  chunks: number
  metadata: DocMetadata
  createdAt: string
  updatedAt: string
}

/** What a delete removed. */
export interface Deleted {
  documents: number
  chunks: number
}

const parseMeta = (s: string): DocMetadata => {
  try {
    return JSON.parse(s) as DocMetadata
  } catch {
    return {}
  }
}

/** Every collection of the caller's tenant (see `ragTenant`), by name, with document and chunk counts. */
export async function listCollections(db: Kysely<DB>): Promise<CollectionSummary[]> {
  const rows = await db.selectFrom('rag_collections as c')
    .select((e) => [
      'c.name', 'c.created_at as createdAt',
      e.selectFrom('rag_documents as d').whereRef('d.tenant', '=', 'c.tenant').whereRef('d.collection', '=', 'c.name').select((f) => f.fn.countAll<number>().as('n')).as('documents'),
      e.selectFrom('rag_chunks as k').innerJoin('rag_documents as d', 'd.id', 'k.document_id').whereRef('d.tenant', '=', 'c.tenant').whereRef('d.collection', '=', 'c.name')
        .select((f) => f.fn.countAll<number>().as('n')).as('chunks'),
    ])
    .where('c.tenant', '=', ragTenant()).orderBy('c.name').execute()
  return rows.map((r) => ({ name: r.name, documents: Number(r.documents ?? 0), chunks: Number(r.chunks ?? 0), createdAt: r.createdAt }))
}

/** Throws `AppError('NOT_FOUND')` unless the collection exists in the caller's tenant (another tenant's is not found either). */
export async function assertCollection(db: Kysely<DB>, name: string): Promise<void> {
  const found = await db.selectFrom('rag_collections').select('name').where('tenant', '=', ragTenant()).where('name', '=', name).executeTakeFirst()
  if (!found) throw new AppError('NOT_FOUND', `collection ${JSON.stringify(name)} not found`, { details: { collection: name } })
}

/** The documents of a collection, by source, with chunk counts; `AppError('NOT_FOUND')` for an unknown collection. */
export async function listDocuments(db: Kysely<DB>, collection: string, page: { limit?: number; offset?: number } = {}): Promise<DocumentSummary[]> {
  await assertCollection(db, collection)
  const rows = await db.selectFrom('rag_documents as d')
    .select((e) => [
      'd.id', 'd.source', 'd.title', 'd.metadata', 'd.created_at as createdAt', 'd.updated_at as updatedAt',
      e.selectFrom('rag_chunks as k').whereRef('k.document_id', '=', 'd.id').select((f) => f.fn.countAll<number>().as('n')).as('chunks'),
    ])
    .where('d.tenant', '=', ragTenant()).where('d.collection', '=', collection).orderBy('d.source')
    .limit(page.limit ?? -1).offset(page.offset ?? 0).execute()
  return rows.map(({ metadata, chunks, ...r }) => ({ ...r, chunks: Number(chunks ?? 0), metadata: parseMeta(metadata) }))
}

/** Chunks of the documents matching `where` (counted before a delete: the cascade reports nothing). */
const countChunks = async (db: Kysely<DB>, collection: string, ids?: number[]) => {
  let q = db.selectFrom('rag_chunks as k').innerJoin('rag_documents as d', 'd.id', 'k.document_id')
    .select((f) => f.fn.countAll<number>().as('n')).where('d.tenant', '=', ragTenant()).where('d.collection', '=', collection)
  if (ids) q = q.where('d.id', 'in', ids)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

const docsWhere = (db: Kysely<DB>, collection: string) => db.selectFrom('rag_documents').select('id').where('tenant', '=', ragTenant()).where('collection', '=', collection)

/**
 * Deletes a collection and everything in it (documents, chunks and FTS rows go by cascade and
 * triggers); `AppError('NOT_FOUND')` when there is no such collection.
 */
export async function deleteCollection(db: Kysely<DB>, name: string): Promise<Deleted> {
  return db.transaction().execute(async (trx) => {
    await assertCollection(trx, name)
    const chunks = await countChunks(trx, name)
    const tenant = ragTenant()
    const docs = await trx.deleteFrom('rag_documents').where('tenant', '=', tenant).where('collection', '=', name).executeTakeFirst()
    await trx.deleteFrom('rag_collections').where('tenant', '=', tenant).where('name', '=', name).execute()
    return { documents: Number(docs.numDeletedRows), chunks }
  })
}

/**
 * Deletes one document by id, or by source: an exact source or, for a JSON/JSONL file, all its
 * `path#record` documents. `AppError('NOT_FOUND')` when the collection or the document is unknown.
 */
export async function deleteDocument(db: Kysely<DB>, collection: string, which: { id: number } | { source: string }): Promise<Deleted> {
  return db.transaction().execute(async (trx) => {
    await assertCollection(trx, collection)
    let q = docsWhere(trx, collection)
    if ('id' in which) q = q.where('id', '=', which.id)
    else {
      const prefix = `${which.source}#`
      q = q.where((e) => e.or([e('source', '=', which.source), sql<boolean>`substr(source, 1, ${[...prefix].length}) = ${prefix}`]))
    }
    const ids = (await q.execute()).map((r) => r.id)
    if (ids.length === 0) {
      const what = 'id' in which ? `id ${which.id}` : `source ${JSON.stringify(which.source)}`
      throw new AppError('NOT_FOUND', `no document with ${what} in collection ${JSON.stringify(collection)}`, { details: { collection, ...which } })
    }
    const chunks = await countChunks(trx, collection, ids)
    await trx.deleteFrom('rag_documents').where('id', 'in', ids).execute()
    return { documents: ids.length, chunks }
  })
}
