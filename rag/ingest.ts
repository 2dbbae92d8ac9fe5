import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import { chunkSettings, chunkText, firstHeading, type ChunkSettings } from './chunk-text.js'
import { collectFiles, type SkippedPath, type SourceFile } from './collect-files.js'

/** The collection used when none is named. */
export const DEFAULT_COLLECTION = 'default'

/** Larger files are almost never prose meant for retrieval (logs, dumps), so they are skipped. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024

const MAX_TITLE_LENGTH = 200

export interface IngestOptions {
  /** Collection to file the documents under (default {@link DEFAULT_COLLECTION}). */
  collection?: string
  chunkSize?: number
  chunkOverlap?: number
}

/** What an ingest did; each collected file lands in exactly one of added, updated, unchanged, skipped. */
export interface IngestReport {
  added: number
  updated: number
  unchanged: number
  skipped: SkippedPath[]
  /** Chunks written (for added and updated documents). */
  chunks: number
}

type Outcome = 'added' | 'updated' | 'unchanged'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Ingests files and directories (recursively; `.md`, `.markdown`, `.txt`) into a collection.
 * A file is keyed by its absolute path: unchanged bytes and chunking cost one lookup and count as
 * `unchanged`; changed ones get their chunks replaced in one transaction (one per file, so a long
 * ingest keeps what it finished if it fails). Files removed from disk are not pruned.
 * A missing input path throws `AppError('NOT_FOUND')` before anything is written.
 *
 * @example
 * const report = await ingestPaths(db, ['examples/corpus'], { collection: 'docs' })
 */
export async function ingestPaths(db: Kysely<DB>, paths: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const collection = opts.collection ?? DEFAULT_COLLECTION
  if (collection.trim() === '') throw new AppError('VALIDATION', 'collection must not be empty')
  const settings = chunkSettings(opts)
  const { files, skipped } = await collectFiles(paths)
  const report: IngestReport = { added: 0, updated: 0, unchanged: 0, skipped, chunks: 0 }
  for (const file of files) {
    let bytes: Buffer
    try {
      bytes = await readFile(file.path)
    } catch (e) {
      skipped.push({ path: file.path, reason: `unreadable: ${e instanceof Error ? e.message : String(e)}` })
      continue
    }
    const problem = unreadableReason(bytes)
    if (problem) {
      skipped.push({ path: file.path, reason: problem })
      continue
    }
    const { outcome, chunks } = await ingestFile(db, { collection, file, bytes, settings })
    report[outcome] += 1
    report.chunks += chunks
  }
  return report
}

function unreadableReason(bytes: Buffer): string | undefined {
  if (bytes.length > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES} bytes`
  if (bytes.includes(0)) return 'binary content'
  try {
    utf8.decode(bytes)
  } catch {
    return 'not valid UTF-8'
  }
  return undefined
}

interface FileJob {
  collection: string
  file: SourceFile
  bytes: Buffer
  settings: ChunkSettings
}

async function ingestFile(db: Kysely<DB>, job: FileJob): Promise<{ outcome: Outcome; chunks: number }> {
  const { collection, file, settings } = job
  const hash = sha256(job.bytes)
  const current = (d: { content_hash: string; chunk_size: number; chunk_overlap: number } | undefined) =>
    d !== undefined && d.content_hash === hash && d.chunk_size === settings.chunkSize && d.chunk_overlap === settings.chunkOverlap
  const findDoc = (q: Kysely<DB>) =>
    q.selectFrom('rag_documents').select(['id', 'content_hash', 'chunk_size', 'chunk_overlap'])
      .where('collection', '=', collection).where('source', '=', file.path).executeTakeFirst()

  // the cheap path: no chunking, no transaction
  if (current(await findDoc(db))) return { outcome: 'unchanged', chunks: 0 }

  const text = utf8.decode(job.bytes)
  const chunks = await chunkText(text, { ...settings, format: file.format })
  const heading = file.format === 'markdown' ? firstHeading(text) : undefined
  const title = (heading ?? basename(file.path, extname(file.path))).slice(0, MAX_TITLE_LENGTH)

  return db.transaction().execute(async (trx) => {
    // re-read inside the transaction: another ingester may have written this file meanwhile
    const existing = await findDoc(trx)
    if (current(existing)) return { outcome: 'unchanged', chunks: 0 }
    const row = { title, content_hash: hash, chunk_size: settings.chunkSize, chunk_overlap: settings.chunkOverlap }
    let docId: number
    if (existing) {
      docId = existing.id
      await trx.deleteFrom('rag_chunks').where('document_id', '=', docId).execute()
      await trx.updateTable('rag_documents')
        .set({ ...row, updated_at: new Date().toISOString() }).where('id', '=', docId).execute()
    } else {
      await trx.insertInto('rag_collections').values({ name: collection })
        .onConflict((oc) => oc.column('name').doNothing()).execute()
      const inserted = await trx.insertInto('rag_documents')
        .values({ ...row, collection, source: file.path }).returning('id').executeTakeFirstOrThrow()
      docId = inserted.id
    }
    // batches keep each statement under SQLite's bound-parameter limit
    for (let i = 0; i < chunks.length; i += 500) {
      await trx.insertInto('rag_chunks')
        .values(chunks.slice(i, i + 500).map((text, j) => ({ document_id: docId, ord: i + j, text })))
        .execute()
    }
    return { outcome: existing ? 'updated' : 'added', chunks: chunks.length }
  })
}
