import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters'
import { AppError } from '../store/app-error.js'

/** About a long paragraph: small enough to cite, large enough to carry its own context. */
export const DEFAULT_CHUNK_SIZE = 800
export const DEFAULT_CHUNK_OVERLAP = 100

/** How a text is cut: markdown splits on headings, fences and rules first; text on blank lines. */
export type ChunkFormat = 'markdown' | 'text'

export interface ChunkOptions {
  /** Maximum characters per chunk (default {@link DEFAULT_CHUNK_SIZE}). */
  chunkSize?: number
  /** Characters repeated between neighbouring chunks (default {@link DEFAULT_CHUNK_OVERLAP}). */
  chunkOverlap?: number
  /** Default `'markdown'`. */
  format?: ChunkFormat
}

/** The settings a chunking actually used, after defaults and validation. */
export interface ChunkSettings {
  chunkSize: number
  chunkOverlap: number
}

/**
 * Applies defaults and checks the sizes; throws `AppError('VALIDATION')` on nonsense
 * (non-integers, size < 1, overlap < 0 or not smaller than size).
 */
export function chunkSettings(opts: Pick<ChunkOptions, 'chunkSize' | 'chunkOverlap'> = {}): ChunkSettings {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE
  const chunkOverlap = opts.chunkOverlap ?? Math.min(DEFAULT_CHUNK_OVERLAP, Math.floor(chunkSize / 4))
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new AppError('VALIDATION', `chunkSize must be a positive integer, got ${chunkSize}`)
  }
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new AppError('VALIDATION', `chunkOverlap must be an integer in [0, chunkSize), got ${chunkOverlap}`, {
      details: { chunkSize, chunkOverlap },
    })
  }
  return { chunkSize, chunkOverlap }
}

/**
 * Cuts a document into overlapping chunks of at most `chunkSize` characters, preferring
 * structural boundaries (for markdown: headings, code fences, horizontal rules, paragraphs).
 * Line endings are normalised and blank chunks dropped.
 *
 * @example
 * const chunks = await chunkText(readFileSync('notes.md', 'utf8'), { chunkSize: 500 })
 */
export async function chunkText(text: string, opts: ChunkOptions = {}): Promise<string[]> {
  const settings = chunkSettings(opts)
  const normalised = text.replace(/\r\n?/g, '\n')
  if (normalised.trim() === '') return []
  const splitter =
    (opts.format ?? 'markdown') === 'markdown'
      ? RecursiveCharacterTextSplitter.fromLanguage('markdown', settings)
      : new RecursiveCharacterTextSplitter(settings)
  const chunks = await splitter.splitText(normalised)
  return chunks.map((c) => c.trim()).filter((c) => c !== '')
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/
const ATX_HEADING = /^\s{0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/

/**
 * The text of the first ATX heading (`# Title`, any level) outside code fences, or undefined.
 * Emphasis stars and backticks are stripped so the title reads as plain text.
 */
export function firstHeading(markdown: string): string | undefined {
  let fence: string | undefined
  for (const line of markdown.split(/\r\n?|\n/)) {
    const f = FENCE.exec(line)?.[1]
    if (f) {
      // a fence closes only with the same character, at least as long
      if (fence === undefined) fence = f
      else if (f[0] === fence[0] && f.length >= fence.length) fence = undefined
      continue
    }
    if (fence !== undefined) continue
    const h = ATX_HEADING.exec(line)?.[1]
    if (h) {
      const title = h.replace(/[*`]/g, '').trim()
      if (title !== '') return title
    }
  }
  return undefined
}
