import { Parser } from 'htmlparser2'
import type { DocMetadata } from './extract-text.js'

/** Elements whose content is never prose: code, styling, navigation, embedded media. */
const DROPPED = new Set(['script', 'style', 'nav', 'noscript', 'template', 'svg', 'iframe', 'object', 'canvas', 'head'])
/** Elements that end a paragraph. */
const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'aside', 'header', 'footer', 'blockquote', 'pre', 'table',
  'ul', 'ol', 'dl', 'figure', 'figcaption', 'form', 'fieldset', 'address', 'details', 'summary', 'hr',
])
/** Elements that end a line. */
const LINES = new Set(['br', 'li', 'tr', 'dt', 'dd', 'caption'])
const HEADING = /^h([1-6])$/

/** The text of an HTML page, as {@link extractHtml} returns it. */
export interface HtmlText {
  /** `<title>`, else the first `<h1>`. */
  title: string | undefined
  /** Paragraphs separated by blank lines; headings as markdown `#` lines so chunking can cut at them. */
  text: string
  /** `lang` of `<html>`, `description` of `<meta name="description">`, when present. */
  metadata: DocMetadata
}

const squash = (s: string) => s.replace(/\s+/g, ' ')

/**
 * Extracts readable text from HTML with htmlparser2 (entities decoded, forgiving of broken markup):
 * drops script, style, nav, head (but reads `<title>`) and the like, collapses whitespace outside
 * `<pre>`, and keeps the block structure as blank lines and headings as markdown.
 *
 * @example
 * extractHtml('<title>Guide</title><h1>Intro</h1><p>Hello <b>world</b></p>').text // '# Intro\n\nHello world'
 */
export function extractHtml(html: string): HtmlText {
  let out = ''
  let title = ''
  let h1: string | undefined
  let inTitle = false
  let dropDepth = 0
  let preDepth = 0
  let heading: { level: number; text: string } | undefined
  const metadata: DocMetadata = {}

  const breakWith = (sep: string) => {
    out = out.replace(/[ \t]+$/, '')
    if (out !== '' && !out.endsWith(sep)) out += out.endsWith('\n') ? sep.slice(1) : sep
  }

  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'html' && attrs.lang) metadata.lang = attrs.lang
      if (name === 'meta' && attrs.name?.toLowerCase() === 'description' && attrs.content) metadata.description = squash(attrs.content).trim()
      if (name === 'title' && title === '') inTitle = true
      if (DROPPED.has(name)) { dropDepth += 1; return }
      if (dropDepth > 0) return
      if (name === 'pre') preDepth += 1
      const h = HEADING.exec(name)
      if (h) { breakWith('\n\n'); heading = { level: Number(h[1]), text: '' } } else if (BLOCKS.has(name)) breakWith('\n\n')
      else if (LINES.has(name)) breakWith('\n')
    },
    ontext(data) {
      if (inTitle) title += data
      if (dropDepth > 0) return
      if (heading) { heading.text += data; return }
      const text = preDepth > 0 ? data : squash(data)
      out += out === '' || out.endsWith('\n') ? text.replace(/^ /, '') : text
    },
    onclosetag(name) {
      if (name === 'title') inTitle = false
      if (DROPPED.has(name)) { dropDepth = Math.max(0, dropDepth - 1); return }
      if (dropDepth > 0) return
      if (name === 'pre') preDepth = Math.max(0, preDepth - 1)
      if (heading && HEADING.test(name)) {
        const text = squash(heading.text).trim()
        if (text !== '') {
          if (heading.level === 1) h1 ??= text
          out += `${'#'.repeat(heading.level)} ${text}`
        }
        heading = undefined
        breakWith('\n\n')
      } else if (BLOCKS.has(name)) breakWith('\n\n')
      else if (LINES.has(name)) breakWith('\n')
    },
  }, { decodeEntities: true })
  parser.write(html)
  parser.end()

  const text = out.split('\n').map((l) => l.replace(/[ \t]+$/, '')).join('\n').replace(/\n{3,}/g, '\n\n').trim()
  return { title: squash(title).trim() || h1, text, metadata }
}
