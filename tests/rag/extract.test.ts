import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { extractHtml } from '../../rag/extract-html.js'
import { extractJson, extractJsonl, recordToDoc } from '../../rag/extract-json.js'
import { extractPdf } from '../../rag/extract-pdf.js'
import { extractFile } from '../../rag/extract-text.js'

const FIX = fileURLToPath(new URL('./fixtures/ingest/', import.meta.url))
const fixture = (name: string) => readFileSync(FIX + name)

describe('extractHtml', () => {
  it('keeps title, headings and paragraphs; drops script, style, nav and head', () => {
    const { title, text, metadata } = extractHtml(fixture('page.html').toString('utf8'))
    expect(title).toBe('Sourdough & Starters')
    expect(metadata).toEqual({ lang: 'en', description: 'How to keep a starter alive' })
    expect(text).toContain('# Feeding a starter\n\nFeed the starter with equal weights of flour and water.')
    expect(text).toContain('Rye flour ferments faster\nKeep it at room temperature')
    expect(text).toContain('## Baking')
    expect(text).toContain('line one\n  line two')
    for (const gone of ['secretScript', 'scriptwords', 'navigationlink', 'color: red', 'Home']) expect(text).not.toContain(gone)
  })

  it('falls back to the first h1 and survives broken markup', () => {
    expect(extractHtml('<h2>Sub</h2><h1>Main <i>title</i></h1><p>x').title).toBe('Main title')
    expect(extractHtml('<p>unclosed <b>bold').text).toBe('unclosed bold')
    expect(extractHtml('').title).toBeUndefined()
  })
})

describe('extractPdf (unpdf on Node 20)', () => {
  it('reads every page, the title and the page count', async () => {
    const bytes = fixture('paper.pdf')
    const pdf = await extractPdf(bytes)
    expect(pdf.title).toBe('Lighthouse Manual')
    expect(pdf.metadata).toEqual({ pages: 2, author: 'Keeper Jones' })
    expect(pdf.text).toContain('The fresnel lens must be polished every week.')
    expect(pdf.text).toContain('The foghorn compressor needs oil every month.')
    expect(pdf.text.indexOf('fresnel')).toBeLessThan(pdf.text.indexOf('foghorn'))
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-') // the caller's buffer is not detached
  })

  it('reports a corrupt PDF as a problem, not a throw', async () => {
    const out = await extractFile('/x/bad.pdf', 'pdf', Buffer.from('%PDF-1.4 garbage'))
    expect(out.docs).toEqual([])
    expect(out.problems[0]?.reason).toMatch(/^unreadable PDF/)
  })
})

describe('JSON records', () => {
  it('uses text/content/body, title/name and id/_id; other scalars become metadata', () => {
    const out = extractJson(fixture('records.json').toString('utf8'))
    expect(out.docs.map((d) => [d.key, d.title, d.line])).toEqual([['comet-1', "Halley's Comet", 0], ['comet-2', 'Comet Hale-Bopp', 1]])
    expect(out.docs[0]?.metadata).toEqual({ id: 'comet-1', year: 1986, visible: true, 'orbit.period': 76 })
    expect(out.problems).toEqual([{ line: 2, reason: 'no text field (looked for text, content, body)' }])
  })

  it('takes configured fields and keys a record without id by position', () => {
    const doc = recordToDoc({ summary: 'hello', heading: 'H', n: 1 }, 7, { text: ['summary'], title: ['heading'], id: ['uid'] })
    expect(doc).toEqual({ key: '7', title: 'H', text: 'hello', metadata: { n: 1 }, format: 'text' })
    expect(recordToDoc([1], 1)).toBe('expected an object, got an array')
  })

  it('jsonl: reports each bad line by number and keeps the rest', () => {
    const out = extractJsonl(fixture('records.jsonl').toString('utf8'))
    expect(out.docs.map((d) => [d.key, d.line])).toEqual([['q1', 1], ['q3', 4]])
    expect(out.docs[0]?.metadata).toEqual({ id: 'q1', source: 'astro' })
    expect(out.problems.map((p) => p.line)).toEqual([3, 5])
    expect(out.problems[0]?.reason).toMatch(/^invalid JSON/)
  })

  it('a duplicate id is reported, the first record kept', async () => {
    const out = await extractFile('/x/d.jsonl', 'jsonl', Buffer.from('{"id":1,"text":"a"}\n{"id":1,"text":"b"}\n'))
    expect(out.docs.map((d) => d.text)).toEqual(['a'])
    expect(out.problems).toEqual([{ line: 2, reason: 'duplicate id "1"' }])
  })
})
