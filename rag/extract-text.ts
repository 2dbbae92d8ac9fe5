import { basename, extname } from 'node:path'
import { firstHeading, type ChunkFormat } from './chunk-text.js'
import type { FileType } from './collect-files.js'
import { extractHtml } from './extract-html.js'
import { DEFAULT_JSON_FIELDS, extractJson, extractJsonl, type JsonFields } from './extract-json.js'
import { extractPdf } from './extract-pdf.js'

/** A metadata value: filters compare scalars only. */
export type MetaValue = string | number | boolean | null
/** Document metadata as stored in `rag_documents.metadata`: a flat JSON object of scalars. */
export type DocMetadata = Record<string, MetaValue>

/** One document found in a file (or sent over HTTP), before chunking. */
export interface ExtractedDoc {
  /** Tells the documents of one multi-document file (json/jsonl) apart: the record's id, else its line or index. */
  key?: string
  /** Where the record sits in its file: 1-based line (jsonl) or 0-based index (json array). */
  line?: number
  title: string | undefined
  text: string
  metadata: DocMetadata
  /** How the text is chunked. */
  format: ChunkFormat
}

/** A problem with one part of a file (a jsonl line, a json element) or the whole of it. */
export interface ExtractProblem {
  line?: number
  reason: string
}

/** What a file yielded: its documents and what could not be read, the rest kept. */
export interface Extraction {
  docs: ExtractedDoc[]
  problems: ExtractProblem[]
}

/**
 * Goes into every file's content hash: bump it when extraction changes what a file yields, so the
 * next ingest re-extracts files whose bytes did not change (v2: migration 008's metadata).
 */
export const EXTRACTOR_VERSION = 'v2'

/** Formats holding any number of documents, each stored as `path#key`. */
export const MULTI_DOC_TYPES: ReadonlySet<FileType> = new Set(['json', 'jsonl'])

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes UTF-8 or says why not (binary, invalid); a BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array): string | { problem: string } {
  if (bytes.includes(0)) return { problem: 'binary content' }
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    return { problem: 'not valid UTF-8' }
  }
}

const stem = (path: string) => basename(path, extname(path))

/**
 * The documents of one file by its type: markdown (title = first heading), text, html (title and
 * text via htmlparser2), pdf (unpdf; title from the document information or first line), json and
 * jsonl (one document per record; `fields` names the text, title and id fields). Never throws for
 * bad content: an unreadable file comes back as one problem and no documents.
 */
export async function extractFile(path: string, type: FileType, bytes: Uint8Array, fields: JsonFields = DEFAULT_JSON_FIELDS): Promise<Extraction> {
  if (type === 'pdf') {
    try {
      const pdf = await extractPdf(bytes)
      return { docs: [{ title: pdf.title ?? stem(path), text: pdf.text, metadata: pdf.metadata, format: 'text' }], problems: [] }
    } catch (e) {
      return { docs: [], problems: [{ reason: `unreadable PDF: ${e instanceof Error ? e.message : String(e)}` }] }
    }
  }
  const text = decodeUtf8(bytes)
  if (typeof text !== 'string') return { docs: [], problems: [{ reason: text.problem }] }
  switch (type) {
    case 'markdown':
      return { docs: [{ title: firstHeading(text) ?? stem(path), text, metadata: {}, format: 'markdown' }], problems: [] }
    case 'text':
      return { docs: [{ title: stem(path), text, metadata: {}, format: 'text' }], problems: [] }
    case 'html': {
      const html = extractHtml(text)
      return { docs: [{ title: html.title ?? stem(path), text: html.text, metadata: html.metadata, format: 'markdown' }], problems: [] }
    }
    case 'json':
    case 'jsonl': {
      const out = type === 'json' ? extractJson(text, fields) : extractJsonl(text, fields)
      const seen = new Set<string>()
      const docs = out.docs.filter((d) => {
        const dup = seen.has(d.key ?? '')
        if (dup) out.problems.push({ line: d.line, reason: `duplicate id ${JSON.stringify(d.key)}` })
        seen.add(d.key ?? '')
        return !dup
      })
      return { docs: docs.map((d) => ({ ...d, title: d.title ?? `${basename(path)} #${d.key}` })), problems: out.problems }
    }
  }
}
