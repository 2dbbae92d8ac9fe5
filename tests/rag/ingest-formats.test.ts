import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { globToRegExp } from '../../rag/collect-files.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { ingestPaths } from '../../rag/ingest.js'
import { isAppError } from '../../store/app-error.js'
import { openTempRag, type TempRag } from './temp-db.js'

const FIX = fileURLToPath(new URL('./fixtures/ingest/', import.meta.url))
const FILES = ['guide.md', 'notes.txt', 'page.html', 'paper.pdf', 'records.json', 'records.jsonl']

describe('ingestPaths: every format', () => {
  let t: TempRag
  beforeEach(async () => {
    t = await openTempRag()
    for (const f of FILES) copyFileSync(FIX + f, join(t.dir, f))
  })
  afterEach(async () => { await t.cleanup() })

  const docs = async () => (await t.store.db.selectFrom('rag_documents').select(['id', 'source', 'title', 'metadata', 'updated_at']).orderBy('source').execute())
    .map((d) => ({ ...d, source: d.source.slice(t.dir.length + 1), metadata: JSON.parse(d.metadata) as Record<string, unknown> }))
  const chunkCount = async () => Number((await t.store.db.selectFrom('rag_chunks').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  it('stores one document per file and per JSON record, with titles and metadata', async () => {
    const report = await ingestPaths(t.store.db, [t.dir])
    expect(report).toMatchObject({ added: 8, updated: 0, unchanged: 0, removed: 0 })
    expect(report.skipped.map((s) => [s.path.slice(t.dir.length + 1), s.line])).toEqual([['records.json', 2], ['records.jsonl', 3], ['records.jsonl', 5]])
    expect(report.chunkIds).toHaveLength(report.chunks)
    expect(await chunkCount()).toBe(report.chunks)

    const all = await docs()
    expect(all.map((d) => [d.source, d.title])).toEqual([
      ['guide.md', 'Beekeeping Basics'],
      ['notes.txt', 'notes'],
      ['page.html', 'Sourdough & Starters'],
      ['paper.pdf', 'Lighthouse Manual'],
      ['records.json#comet-1', "Halley's Comet"],
      ['records.json#comet-2', 'Comet Hale-Bopp'],
      ['records.jsonl#q1', 'Quasars'],
      ['records.jsonl#q3', 'records.jsonl #q3'],
    ])
    const meta = Object.fromEntries(all.map((d) => [d.source, d.metadata]))
    const file = (name: string, type: string) => ({ file_type: type, path: join(t.dir, name), mtime: expect.stringMatching(/Z$/), size: readFileSync(FIX + name).length })
    expect(meta['guide.md']).toEqual(file('guide.md', 'markdown'))
    expect(meta['page.html']).toEqual({ ...file('page.html', 'html'), lang: 'en', description: 'How to keep a starter alive' })
    expect(meta['paper.pdf']).toEqual({ ...file('paper.pdf', 'pdf'), pages: 2, author: 'Keeper Jones' })
    expect(meta['records.json#comet-1']).toEqual({ ...file('records.json', 'json'), id: 'comet-1', year: 1986, visible: true, 'orbit.period': 76, index: 0 })
    expect(meta['records.jsonl#q3']).toEqual({ ...file('records.jsonl', 'jsonl'), id: 'q3', rank: 3, line: 4 })

    const search = async (q: string) => (await new FtsRetriever({ db: t.store.db }).search(q))[0]?.title
    expect(await search('fresnel lens')).toBe('Lighthouse Manual')
    expect(await search('starter flour')).toBe('Sourdough & Starters')
    expect(await search('naked eye')).toBe('Comet Hale-Bopp')
    expect(await search('neutron pulsars')).toBeUndefined() // its line was bad
    expect(await new FtsRetriever({ db: t.store.db }).search('secretScript navigationlink')).toEqual([])
  })

  it('re-ingesting unchanged files writes nothing, even after a touch', async () => {
    await ingestPaths(t.store.db, [t.dir])
    const before = await docs()
    const chunks = await chunkCount()
    utimesSync(join(t.dir, 'paper.pdf'), new Date(), new Date(Date.now() + 60_000))
    const again = await ingestPaths(t.store.db, [t.dir])
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 8, removed: 0, chunks: 0, chunkIds: [] })
    expect(await docs()).toEqual(before)
    expect(await chunkCount()).toBe(chunks)
  })

  it('a changed JSONL file updates changed records, keeps the rest and removes the vanished', async () => {
    await ingestPaths(t.store.db, [t.dir])
    const before = Object.fromEntries((await docs()).map((d) => [d.source, d]))
    t.write('records.jsonl', [
      '{"id": "q4", "text": "Magnetars have the strongest magnetic fields."}', // a new line above shifts the others
      '{"id": "q1", "title": "Quasars", "body": "Quasars are powered by supermassive black holes.", "source": "astro"}',
      '{"id": "q3", "text": "Nebulae are where stars form, rewritten.", "rank": 3}',
    ].join('\n'))
    const report = await ingestPaths(t.store.db, [join(t.dir, 'records.jsonl')])
    expect(report).toMatchObject({ added: 1, updated: 1, unchanged: 1, removed: 0, skipped: [] })
    const after = Object.fromEntries((await docs()).map((d) => [d.source, d]))
    expect(after['records.jsonl#q1']).toEqual(before['records.jsonl#q1']) // moved a line, same content: untouched
    expect(after['records.jsonl#q3']?.id).toBe(before['records.jsonl#q3']?.id)

    t.write('records.jsonl', '{"id": "q4", "text": "Magnetars have the strongest magnetic fields."}\n')
    expect(await ingestPaths(t.store.db, [join(t.dir, 'records.jsonl')])).toMatchObject({ unchanged: 1, removed: 2 })
    expect(Object.keys(Object.fromEntries((await docs()).map((d) => [d.source, 1]))).filter((s) => s.startsWith('records.jsonl'))).toEqual(['records.jsonl#q4'])

    t.write('records.jsonl', '{not json at all')
    const broken = await ingestPaths(t.store.db, [join(t.dir, 'records.jsonl')])
    expect(broken).toMatchObject({ removed: 1, skipped: [{ line: 1 }] }) // every line bad: the file holds no records now
  })

  it('an invalid .json file keeps its old records and is reported', async () => {
    await ingestPaths(t.store.db, [t.dir])
    t.write('records.json', '[{"id": ')
    const r = await ingestPaths(t.store.db, [join(t.dir, 'records.json')])
    expect(r).toMatchObject({ removed: 0, skipped: [{ reason: expect.stringMatching(/^invalid JSON/) }] })
    expect((await docs()).filter((d) => d.source.startsWith('records.json#'))).toHaveLength(2)
  })

  it('configurable JSON fields', async () => {
    t.write('custom.jsonl', '{"uid": "u1", "heading": "Custom", "summary": "Otters hold hands while sleeping."}\n')
    const r = await ingestPaths(t.store.db, [join(t.dir, 'custom.jsonl')], { jsonFields: { text: ['summary'], title: ['heading'], id: ['uid'] } })
    expect(r).toMatchObject({ added: 1, skipped: [] })
    expect((await docs()).map((d) => [d.source, d.title])).toEqual([['custom.jsonl#u1', 'Custom']])
  })

  it('expands globs (*, **, {a,b}) and reports a glob matching nothing as NOT_FOUND', async () => {
    t.write('deep/a/b/x.md', '# X\n\nxylophone')
    t.write('deep/y.txt', 'yodel')
    t.write('deep/.hidden/z.md', '# Z')
    const r = await ingestPaths(t.store.db, [join(t.dir, 'deep/**/*.{md,txt}'), join(t.dir, '*.pdf')])
    expect(r).toMatchObject({ added: 3, skipped: [] })
    expect((await docs()).map((d) => d.source)).toEqual(['deep/a/b/x.md', 'deep/y.txt', 'paper.pdf'])
    const err = await ingestPaths(t.store.db, [join(t.dir, '*.docx')]).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('NOT_FOUND')
  })

  it('many small files share transactions: counts, unchanged and one change among them', async () => {
    for (let i = 0; i < 150; i++) t.write(`many/f${String(i).padStart(3, '0')}.md`, `# File ${i}\n\nbody ${i}`)
    const dir = join(t.dir, 'many')
    expect(await ingestPaths(t.store.db, [dir])).toMatchObject({ added: 150, chunks: 150 })
    t.write('many/f077.md', '# File 77\n\nchanged body')
    expect(await ingestPaths(t.store.db, [dir])).toMatchObject({ added: 0, updated: 1, unchanged: 149, chunks: 1 })
    expect((await new FtsRetriever({ db: t.store.db }).search('changed'))[0]?.title).toBe('File 77')
  })

  it('a document ingested before migration 008 (plain byte hash, no metadata) is re-extracted once', async () => {
    const path = join(t.dir, 'guide.md')
    await ingestPaths(t.store.db, [path])
    const old = createHash('sha256').update(readFileSync(path)).digest('hex')
    await t.store.db.updateTable('rag_documents').set({ content_hash: old, metadata: '{}' }).execute()
    expect(await ingestPaths(t.store.db, [path])).toMatchObject({ updated: 1 })
    expect((await docs())[0]?.metadata).toMatchObject({ file_type: 'markdown' })
    expect(await ingestPaths(t.store.db, [path])).toMatchObject({ unchanged: 1 })
  })

  it('reports progress per file', async () => {
    const seen: string[] = []
    await ingestPaths(t.store.db, [join(t.dir, 'guide.md'), join(t.dir, 'notes.txt')], { onProgress: (p) => seen.push(`${p.done}/${p.total}`) })
    expect(seen).toEqual(['0/2', '1/2', '2/2'])
  })
})

describe('globToRegExp', () => {
  it.each([
    ['*.md', 'a.md', true], ['*.md', 'x/a.md', false], ['**/*.md', 'a.md', true], ['**/*.md', 'x/y/a.md', true],
    ['docs/**', 'docs/a/b.txt', true], ['a/**/b.md', 'a/b.md', true], ['a/**/b.md', 'a/x/y/b.md', true],
    ['f?.txt', 'f1.txt', true], ['f?.txt', 'f10.txt', false], ['[ab].md', 'b.md', true], ['[!ab].md', 'b.md', false],
    ['*.{md,txt}', 'n.txt', true], ['*.{md,txt}', 'n.pdf', false], ['a+b(1).md', 'a+b(1).md', true], ['a.md', 'aXmd', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected)
  })
})
