import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import { chunkText, type ChunkFormat, type ChunkSettings } from './chunk-text.js'
import type { DocMetadata } from './extract-text.js'
import { ragTenant } from './rag-tenant.js'

import { DEFAULT_COLLECTION } from './default-collection.js'

export { DEFAULT_COLLECTION }
export const MAX_TITLE_LENGTH = 200
const MAX_COLLECTION_LENGTH = 200
/** Documents per lookup and per transaction: bounded statements, and a long ingest keeps what it finished. */
const BATCH = 200
/** Chunk rows per INSERT (3 bound parameters each, far below SQLite's limit). */
const CHUNK_ROWS = 500

/** A document to store, keyed by (collection, source). */
export interface DocumentInput {
  /** Stable key: an absolute path, `path#record`, or a caller's id (HTTP). */
  source: string
  title: string
  text: string
  metadata?: DocMetadata
  /** Default `'text'`. */
  format?: ChunkFormat
  /** What "unchanged" compares (with the chunking); default sha256 of title, text and metadata. */
  hash?: string
}

export type IngestOutcome = 'added' | 'updated' | 'unchanged'

/** What happened to one document; `chunkIds` are the chunks written (none when unchanged). */
export interface DocumentResult {
  id: number
  source: string
  outcome: IngestOutcome
  chunkIds: number[]
}

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

/** The default content hash: independent of metadata key order. */
export const contentHash = (title: string, text: string, metadata: DocMetadata = {}) =>
  sha256(JSON.stringify([title, text, Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]))

/** Trims and checks a collection name; `AppError('VALIDATION')` when blank or longer than 200 characters. */
export function checkCollection(name: string): string {
  const n = name.trim()
  if (n === '' || n.length > MAX_COLLECTION_LENGTH) {
    throw new AppError('VALIDATION', `collection must be 1-${MAX_COLLECTION_LENGTH} characters, got ${JSON.stringify(name.slice(0, 40))}`)
  }
  return n
}

/** What "unchanged" is decided on. */
export type Existing = { id: number; source: string; content_hash: string; chunk_size: number; chunk_overlap: number }

/** The stored state of these sources (batched; a missing source is simply absent). */
export async function findDocuments(db: Kysely<DB>, collection: string, sources: readonly string[]): Promise<Existing[]> {
  const out: Existing[] = []
  for (let i = 0; i < sources.length; i += CHUNK_ROWS) {
    out.push(...await db.selectFrom('rag_documents').select(['id', 'source', 'content_hash', 'chunk_size', 'chunk_overlap'])
      .where('tenant', '=', ragTenant()).where('collection', '=', collection).where('source', 'in', sources.slice(i, i + CHUNK_ROWS)).execute())
  }
  return out
}

/** Whether the stored document already holds this content cut this way. */
export const isCurrent = (d: Existing | undefined, hash: string, s: ChunkSettings) =>
  d !== undefined && d.content_hash === hash && d.chunk_size === s.chunkSize && d.chunk_overlap === s.chunkOverlap

/**
 * Stores documents in a collection of the caller's tenant (created on first write): an unchanged document (same hash and
 * chunking) costs one batched lookup and no write; a changed one gets its chunks replaced and its
 * `updated_at` bumped; FTS5 follows through the triggers of migration 003. Written in transactions of
 * up to 200 documents. Chunks carry no vectors: an embedder fills those in afterwards.
 *
 * @example
 * const results = await writeDocuments(db, 'notes', [{ source: 'n1', title: 'N1', text: 'hello' }], chunkSettings())
 */
export async function writeDocuments(db: Kysely<DB>, collection: string, docs: readonly DocumentInput[], settings: ChunkSettings): Promise<DocumentResult[]> {
  const results: DocumentResult[] = []
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH).map((d) => ({ ...d, hash: d.hash ?? contentHash(d.title, d.text, d.metadata) }))
    const before = new Map((await findDocuments(db, collection, batch.map((d) => d.source))).map((e) => [e.source, e]))
    const changed: (DocumentInput & { hash: string; chunks: string[] })[] = []
    for (const d of batch) {
      const e = before.get(d.source)
      if (isCurrent(e, d.hash, settings)) results.push({ id: e!.id, source: d.source, outcome: 'unchanged', chunkIds: [] })
      else changed.push({ ...d, chunks: await chunkText(d.text, { ...settings, format: d.format ?? 'text' }) })
    }
    if (changed.length === 0) continue
    results.push(...await db.transaction().execute(async (trx) => {
      // re-read inside the transaction: another ingester may have written these meanwhile
      const now = new Map((await findDocuments(trx, collection, changed.map((d) => d.source))).map((e) => [e.source, e]))
      const tenant = ragTenant()
      await trx.insertInto('rag_collections').values({ tenant, name: collection }).onConflict((oc) => oc.columns(['tenant', 'name']).doNothing()).execute()
      const out: DocumentResult[] = []
      const rows: { document_id: number; ord: number; text: string }[] = []
      for (const d of changed) {
        const e = now.get(d.source)
        if (isCurrent(e, d.hash, settings)) { out.push({ id: e!.id, source: d.source, outcome: 'unchanged', chunkIds: [] }); continue }
        const row = {
          title: d.title.slice(0, MAX_TITLE_LENGTH), content_hash: d.hash, metadata: JSON.stringify(d.metadata ?? {}),
          chunk_size: settings.chunkSize, chunk_overlap: settings.chunkOverlap,
        }
        let id: number
        if (e) {
          id = e.id
          await trx.deleteFrom('rag_chunks').where('document_id', '=', id).execute()
          await trx.updateTable('rag_documents').set({ ...row, updated_at: new Date().toISOString() }).where('id', '=', id).execute()
        } else {
          id = (await trx.insertInto('rag_documents').values({ ...row, tenant, collection, source: d.source }).returning('id').executeTakeFirstOrThrow()).id
        }
        out.push({ id, source: d.source, outcome: e ? 'updated' : 'added', chunkIds: [] })
        d.chunks.forEach((text, ord) => rows.push({ document_id: id, ord, text }))
      }
      const byDoc = new Map(out.map((r) => [r.id, r]))
      for (let j = 0; j < rows.length; j += CHUNK_ROWS) {
        const slice = rows.slice(j, j + CHUNK_ROWS)
        // AUTOINCREMENT ids rise in insertion order; RETURNING's row order is not guaranteed, so sort
        const ids = (await trx.insertInto('rag_chunks').values(slice).returning('id').execute()).map((r) => r.id).sort((a, b) => a - b)
        slice.forEach((r, k) => byDoc.get(r.document_id)?.chunkIds.push(ids[k]!))
      }
      return out
    }))
  }
  return results
}

/**
 * Deletes the documents of `collection` whose source starts with `prefix` but is not in `keep`
 * (records gone from a re-ingested JSON file); returns how many. Chunks and FTS rows go by cascade.
 */
export async function pruneDocuments(db: Kysely<DB>, collection: string, prefix: string, keep: ReadonlySet<string>): Promise<number> {
  const rows = await db.selectFrom('rag_documents').select(['id', 'source']).where('tenant', '=', ragTenant()).where('collection', '=', collection)
    .where(sql<boolean>`substr(source, 1, ${[...prefix].length}) = ${prefix}`).execute()
  const gone = rows.filter((r) => !keep.has(r.source)).map((r) => r.id)
  for (let i = 0; i < gone.length; i += CHUNK_ROWS) {
    await db.deleteFrom('rag_documents').where('id', 'in', gone.slice(i, i + CHUNK_ROWS)).execute()
  }
  return gone.length
}
