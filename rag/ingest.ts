import { readFile, stat } from 'node:fs/promises'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema.js'
import { chunkSettings, type ChunkSettings } from './chunk-text.js'
import { collectFiles, type FileType, type SkippedPath, type SourceFile } from './collect-files.js'
import { DEFAULT_JSON_FIELDS, type JsonFields } from './extract-json.js'
import { EXTRACTOR_VERSION, extractFile, MULTI_DOC_TYPES, type DocMetadata } from './extract-text.js'
import {
  checkCollection, contentHash, DEFAULT_COLLECTION, findDocuments, isCurrent, pruneDocuments, sha256, writeDocuments,
  type DocumentInput, type DocumentResult,
} from './ingest-documents.js'

export { DEFAULT_COLLECTION } from './ingest-documents.js'

/** Text files larger than this are almost never prose meant for retrieval (logs, dumps), so they are skipped. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024
/** Per-type limits: PDFs carry fonts and images, JSON/JSONL files hold many documents. */
export const MAX_BYTES: Record<FileType, number> = {
  markdown: MAX_FILE_BYTES, text: MAX_FILE_BYTES, html: MAX_FILE_BYTES, pdf: 50 * 1024 * 1024, json: 200 * 1024 * 1024, jsonl: 200 * 1024 * 1024,
}

export interface IngestOptions {
  /** Collection to file the documents under (default {@link DEFAULT_COLLECTION}). */
  collection?: string
  chunkSize?: number
  chunkOverlap?: number
  /** Fields of JSON/JSONL records (default {@link DEFAULT_JSON_FIELDS}); a given list replaces the default one. */
  jsonFields?: Partial<JsonFields>
  /** Called once before the first file (`done: 0`) and after each file (for a progress bar). */
  onProgress?: (p: { done: number; total: number; path: string }) => void
}

/**
 * What an ingest did, counted in documents (a file is one document, a JSON/JSONL file one per record).
 * Extensible: an embedder can take `chunkIds` (the chunks just written) without another query.
 */
export interface IngestReport {
  added: number
  updated: number
  unchanged: number
  /** Records gone from a re-ingested JSON/JSONL file, deleted with their chunks. */
  removed: number
  /** Files, folders and records left out, and why (a bad jsonl line carries its number). */
  skipped: SkippedPath[]
  /** Chunks written (for added and updated documents). */
  chunks: number
  chunkIds: number[]
}

/** An empty report, to add results to. */
export const emptyReport = (): IngestReport => ({ added: 0, updated: 0, unchanged: 0, removed: 0, skipped: [], chunks: 0, chunkIds: [] })

/** Adds document results to a report. */
export function tally(report: IngestReport, results: readonly DocumentResult[]): IngestReport {
  for (const r of results) {
    report[r.outcome] += 1
    report.chunks += r.chunkIds.length
    for (const id of r.chunkIds) report.chunkIds.push(id)
  }
  return report
}

/**
 * Ingests files, folders (recursively) and globs into a collection: `.md`/`.markdown`, `.txt`,
 * `.html`/`.htm`, `.pdf`, `.json` and `.jsonl`/`.ndjson` (see `extract-text.ts`). A file is keyed by
 * its absolute path, a JSON record by `path#id` (its id field, else line or index). Unchanged content
 * with unchanged chunking counts as `unchanged` and writes nothing (for md/txt/html/pdf not even the
 * text is extracted again); changed documents get their chunks replaced. Files removed from disk are
 * not pruned; records removed from a JSON file are. A missing path throws `AppError('NOT_FOUND')`
 * and bad chunk settings `AppError('VALIDATION')`, both before anything is written.
 *
 * Metadata stored per document (`rag_documents.metadata`): `file_type`, `path`, `mtime` (ISO, of
 * the version ingested), `size` (bytes); `pages`, `author`, `subject` for PDFs; `lang`, `description`
 * for HTML; `line` (jsonl) or `index` (json) and the record's other scalar fields for JSON.
 *
 * @example
 * const report = await ingestPaths(db, ['examples/corpus', 'data/*.jsonl'], { collection: 'docs' })
 */
export async function ingestPaths(db: Kysely<DB>, paths: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const collection = checkCollection(opts.collection ?? DEFAULT_COLLECTION)
  const settings = chunkSettings(opts)
  const fields: JsonFields = { ...DEFAULT_JSON_FIELDS, ...opts.jsonFields }
  const { files, skipped } = await collectFiles(paths)
  const report = emptyReport()
  report.skipped = skipped
  const progress = (done: number, path: string) => opts.onProgress?.({ done, total: files.length, path })
  if (files.length > 0) progress(0, '')
  let done = 0
  for (let i = 0; i < files.length;) {
    // a group of files shares its lookups and transactions: thousands of small files do not cost
    // thousands of commits; the byte cap bounds memory
    const group: ReadSource[] = []
    let bytes = 0
    const start = i
    while (i < files.length && i - start < GROUP_FILES && bytes < GROUP_BYTES) {
      const read = await readSource(files[i]!, report)
      i += 1
      if (read) { group.push(read); bytes += read.bytes.length }
    }
    await ingestGroup(db, group, { collection, settings, fields, report })
    for (const f of files.slice(start, i)) progress(++done, f.path)
  }
  return report
}

const GROUP_FILES = 64
const GROUP_BYTES = 16 * 1024 * 1024

interface ReadSource {
  file: SourceFile
  bytes: Buffer
  base: DocMetadata
  hash: string
}

const skipper = (report: IngestReport, path: string) => (reason: string, line?: number): void => {
  report.skipped.push(line === undefined ? { path, reason } : { path, line, reason })
}

async function readSource(file: SourceFile, report: IngestReport): Promise<ReadSource | undefined> {
  const skip = skipper(report, file.path)
  try {
    const info = await stat(file.path)
    if (info.size > MAX_BYTES[file.type]) { skip(`larger than ${MAX_BYTES[file.type]} bytes`); return undefined }
    const bytes = await readFile(file.path)
    const base: DocMetadata = { file_type: file.type, path: file.path, mtime: info.mtime.toISOString(), size: bytes.length }
    return { file, bytes, base, hash: sha256(Buffer.concat([Buffer.from(`${EXTRACTOR_VERSION}:${file.type}\0`), bytes])) }
  } catch (e) {
    skip(`unreadable: ${e instanceof Error ? e.message : String(e)}`)
    return undefined
  }
}

interface GroupJob {
  collection: string
  settings: ChunkSettings
  fields: JsonFields
  report: IngestReport
}

async function ingestGroup(db: Kysely<DB>, group: ReadSource[], { collection, settings, fields, report }: GroupJob): Promise<void> {
  // the cheap path for one-document files: one lookup for the group, no extraction, no transaction
  const singles = group.filter((g) => !MULTI_DOC_TYPES.has(g.file.type)).map((g) => g.file.path)
  const known = new Map((await findDocuments(db, collection, singles)).map((d) => [d.source, d]))
  const inputs: DocumentInput[] = []
  const prunes: { prefix: string; keep: Set<string> }[] = []
  for (const { file, bytes, base, hash } of group) {
    const multi = MULTI_DOC_TYPES.has(file.type)
    if (!multi && isCurrent(known.get(file.path), hash, settings)) { report.unchanged += 1; continue }
    const { docs, problems } = await extractFile(file.path, file.type, bytes, fields)
    for (const p of problems) skipper(report, file.path)(p.reason, p.line)
    const mine: DocumentInput[] = docs.map((d) => multi
      ? {
        source: `${file.path}#${d.key}`, title: d.title ?? '', text: d.text, format: d.format,
        // positions and file facts stay out of the hash: inserting a line above must not re-chunk every record
        hash: contentHash(d.title ?? '', d.text, d.metadata),
        metadata: { ...d.metadata, ...base, [file.type === 'json' ? 'index' : 'line']: d.line ?? null },
      }
      : { source: file.path, title: d.title ?? '', text: d.text, format: d.format, hash, metadata: { ...d.metadata, ...base } })
    inputs.push(...mine)
    // a file that failed as a whole (invalid JSON) keeps its old records rather than losing them all
    if (multi && !(docs.length === 0 && problems.some((p) => p.line === undefined))) {
      prunes.push({ prefix: `${file.path}#`, keep: new Set(mine.map((d) => d.source)) })
    }
  }
  tally(report, await writeDocuments(db, collection, inputs, settings))
  for (const p of prunes) report.removed += await pruneDocuments(db, collection, p.prefix, p.keep)
}
