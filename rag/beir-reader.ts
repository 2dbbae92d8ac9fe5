import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../store/app-error.js'

/** One corpus entry of a BEIR dataset. */
export interface BeirDoc {
  id: string
  title: string
  text: string
}

/** Graded judgements: query id → (corpus id → relevance; 0 means judged not relevant). */
export type Qrels = Map<string, Map<string, number>>

/** A BEIR folder as read: the whole corpus, every query, and the judgements of one split. */
export interface BeirDataset {
  corpus: BeirDoc[]
  /** Query id → query text. */
  queries: Map<string, string>
  qrels: Qrels
  split: string
}

const fail = (file: string, line: number, message: string): never => {
  throw new AppError('VALIDATION', `${file}:${line}: ${message}`, { details: { file, line } })
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `${path}: no such file (a BEIR folder has corpus.jsonl, queries.jsonl and qrels/<split>.tsv)`)
    throw new AppError('VALIDATION', `${path}: unreadable: ${(e as Error).message}`, { cause: e })
  }
}

/** Non-blank lines with their 1-based line numbers (a trailing newline or CRLF endings are fine). */
function* lines(text: string): Generator<[number, string]> {
  const all = text.split('\n')
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.replace(/\r$/, '')
    if (line.trim() !== '') yield [i + 1, line]
  }
}

function jsonObject(file: string, n: number, line: string): Record<string, unknown> {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch (e) {
    return fail(file, n, `not valid JSON: ${(e as Error).message}`)
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(file, n, 'expected a JSON object')
  return v as Record<string, unknown>
}

function stringField(file: string, n: number, o: Record<string, unknown>, key: string, required: boolean): string {
  const v = o[key]
  if (v === undefined || v === null) return required ? fail(file, n, `missing "${key}"`) : ''
  // some BEIR exports write numeric ids; they are still ids
  if (typeof v === 'number' && key === '_id') return String(v)
  if (typeof v !== 'string') return fail(file, n, `"${key}" must be a string`)
  if (required && v === '') return fail(file, n, `"${key}" must not be empty`)
  return v
}

/** Parses `corpus.jsonl` text (`_id`, `title`, `text` per line); duplicate ids are an error. */
export function parseCorpus(text: string, file = 'corpus.jsonl'): BeirDoc[] {
  const docs: BeirDoc[] = []
  const seen = new Set<string>()
  for (const [n, line] of lines(text)) {
    const o = jsonObject(file, n, line)
    const id = stringField(file, n, o, '_id', true)
    if (seen.has(id)) fail(file, n, `duplicate _id "${id}"`)
    seen.add(id)
    docs.push({ id, title: stringField(file, n, o, 'title', false), text: stringField(file, n, o, 'text', false) })
  }
  return docs
}

/** Parses `queries.jsonl` text (`_id`, `text` per line; other fields such as `metadata` ignored). */
export function parseQueries(text: string, file = 'queries.jsonl'): Map<string, string> {
  const queries = new Map<string, string>()
  for (const [n, line] of lines(text)) {
    const o = jsonObject(file, n, line)
    const id = stringField(file, n, o, '_id', true)
    if (queries.has(id)) fail(file, n, `duplicate _id "${id}"`)
    queries.set(id, stringField(file, n, o, 'text', true))
  }
  return queries
}

/**
 * Parses a qrels TSV: an optional header `query-id corpus-id score`, then one judgement per line
 * with an integer score. A repeated (query, doc) pair is an error.
 */
export function parseQrels(text: string, file = 'qrels.tsv'): Qrels {
  const qrels: Qrels = new Map()
  let first = true
  for (const [n, line] of lines(text)) {
    const cols = line.split('\t').map((c) => c.trim())
    if (first && cols[0] === 'query-id') {
      first = false
      continue
    }
    first = false
    if (cols.length !== 3) fail(file, n, `expected 3 tab-separated columns (query-id, corpus-id, score), got ${cols.length}`)
    const [q, d, s] = cols as [string, string, string]
    if (q === '' || d === '') fail(file, n, 'empty query-id or corpus-id')
    if (!/^-?\d+$/.test(s)) fail(file, n, `score must be an integer, got "${s}"`)
    const judged = qrels.get(q) ?? new Map<string, number>()
    if (judged.has(d)) fail(file, n, `duplicate judgement for query "${q}" and document "${d}"`)
    judged.set(d, Number(s))
    qrels.set(q, judged)
  }
  return qrels
}

/**
 * Reads a BEIR-format folder: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`.
 * Problems are `AppError('VALIDATION')` naming `file:line`; a missing file is `NOT_FOUND`.
 *
 * @example
 * const data = await readBeir('.switchyard/datasets/scifact', { split: 'test' })
 */
export async function readBeir(dir: string, opts: { split?: string } = {}): Promise<BeirDataset> {
  const split = opts.split ?? 'test'
  if (!/^[\w.-]+$/.test(split)) throw new AppError('VALIDATION', `split must be a plain name like "test", got "${split}"`)
  const paths = { corpus: join(dir, 'corpus.jsonl'), queries: join(dir, 'queries.jsonl'), qrels: join(dir, 'qrels', `${split}.tsv`) }
  const [corpusText, queriesText, qrelsText] = await Promise.all([readText(paths.corpus), readText(paths.queries), readText(paths.qrels)])
  return {
    corpus: parseCorpus(corpusText, paths.corpus),
    queries: parseQueries(queriesText, paths.queries),
    qrels: parseQrels(qrelsText, paths.qrels),
    split,
  }
}
