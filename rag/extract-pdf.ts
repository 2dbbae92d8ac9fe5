import { extractText, getDocumentProxy, getMeta } from 'unpdf'
import type { DocMetadata } from './extract-text.js'

/** The text of a PDF, as {@link extractPdf} returns it. */
export interface PdfText {
  /** The document information `Title`, else the first non-blank line of text. */
  title: string | undefined
  /** Each page's text, pages separated by blank lines. */
  text: string
  /** `pages`, plus `author` and `subject` when the document information has them. */
  metadata: DocMetadata
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/**
 * Extracts the text layer of a PDF with unpdf (pdf.js; runs on Node 20 although unpdf declares
 * Node 22). A scanned PDF without a text layer yields empty text. Throws on bytes pdf.js cannot
 * open (corrupt, encrypted); callers report that file as skipped.
 *
 * @example
 * const { title, text, metadata } = await extractPdf(await readFile('paper.pdf'))
 */
export async function extractPdf(bytes: Uint8Array): Promise<PdfText> {
  // pdf.js may transfer (detach) the buffer it is given: hand it a copy, never the caller's bytes
  const doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
  try {
    const { totalPages, text: pages } = await extractText(doc, { mergePages: false })
    const { info } = await getMeta(doc).catch(() => ({ info: {} as Record<string, unknown> }))
    const text = pages.map((p) => p.replace(/[ \t]+\n/g, '\n').trim()).filter((p) => p !== '').join('\n\n')
    const firstLine = text.split('\n').find((l) => l.trim() !== '')?.trim()
    const metadata: DocMetadata = { pages: totalPages }
    const author = str(info.Author)
    const subject = str(info.Subject)
    if (author) metadata.author = author
    if (subject) metadata.subject = subject
    return { title: str(info.Title) ?? firstLine, text, metadata }
  } finally {
    await doc.loadingTask.destroy()
  }
}
