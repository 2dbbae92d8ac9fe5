import { symlinkSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { ingestPaths } from '../../rag/ingest.js'
import { isAppError } from '../../store/app-error.js'
import type { RagFtsTables } from '../../store/rag-schema.js'
import { openTempRag, type TempRag } from './temp-db.js'

const para = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} sentence ${i}.`).join(' ')

describe('ingestPaths', () => {
  let t: TempRag
  beforeEach(async () => {
    t = await openTempRag()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  const counts = async () => {
    const db = t.store.db
    const n = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
      Number((await q.executeTakeFirstOrThrow()).n)
    return {
      docs: await n(db.selectFrom('rag_documents').select((e) => e.fn.countAll().as('n'))),
      chunks: await n(db.selectFrom('rag_chunks').select((e) => e.fn.countAll().as('n'))),
      fts: await n(db.withTables<RagFtsTables>().selectFrom('rag_chunks_fts').select((e) => e.fn.countAll().as('n'))),
    }
  }

  it('ingests a folder recursively, titles from headings, and skips what it cannot read', async () => {
    t.write('durable.md', `Intro line\n\n# Durable *execution*\n\n${para('checkpoint', 80)}`)
    t.write('nested/deep/notes.txt', 'plain text notes about retries')
    t.write('fenced.markdown', '```\n# not a title\n```\n\n## Real title ##\n\nbody')
    t.write('image.png', 'not really a png')
    t.write('blob.md', Buffer.from([0x23, 0x20, 0x00, 0x01]))
    t.write('.hidden/secret.md', '# secret')

    const report = await ingestPaths(t.store.db, [t.dir], { chunkSize: 300, chunkOverlap: 30 })

    expect(report).toMatchObject({ added: 3, updated: 0, unchanged: 0 })
    expect(report.skipped.map((s) => [s.path.slice(t.dir.length + 1), s.reason]).sort()).toEqual([
      ['.hidden', 'hidden'],
      ['blob.md', 'binary content'],
      ['image.png', "unsupported file type '.png'"],
    ])
    const docs = await t.store.db.selectFrom('rag_documents').select(['source', 'title', 'collection']).orderBy('source').execute()
    expect(docs).toEqual([
      { source: join(t.dir, 'durable.md'), title: 'Durable execution', collection: 'default' },
      { source: join(t.dir, 'fenced.markdown'), title: 'Real title', collection: 'default' },
      { source: join(t.dir, 'nested/deep/notes.txt'), title: 'notes', collection: 'default' },
    ])
    const c = await counts()
    expect(c.chunks).toBe(report.chunks)
    expect(c.fts).toBe(c.chunks)
    expect(c.chunks).toBeGreaterThan(3) // the long file was split
  })

  it('re-ingesting unchanged files writes nothing', async () => {
    t.write('a.md', '# A\n\nalpha bravo')
    t.write('b.md', '# B\n\ncharlie delta')
    await ingestPaths(t.store.db, [t.dir])
    const before = await counts()
    const stamps = await t.store.db.selectFrom('rag_documents').select(['id', 'updated_at']).orderBy('id').execute()

    const again = await ingestPaths(t.store.db, [t.dir, join(t.dir, 'a.md')])

    expect(again).toEqual({ added: 0, updated: 0, unchanged: 2, removed: 0, skipped: [], chunks: 0, chunkIds: [] })
    expect(await counts()).toEqual(before)
    expect(await t.store.db.selectFrom('rag_documents').select(['id', 'updated_at']).orderBy('id').execute()).toEqual(stamps)
  })

  it('a changed file replaces its chunks, and the old text is no longer found', async () => {
    const path = t.write('guide.md', '# Guide\n\nThe zeppelin lands at noon.')
    t.write('other.md', '# Other\n\nUnrelated words.')
    await ingestPaths(t.store.db, [t.dir])
    const retriever = new FtsRetriever({ db: t.store.db })
    expect((await retriever.search('zeppelin')).map((h) => h.title)).toEqual(['Guide'])
    const [doc] = await t.store.db.selectFrom('rag_documents').select('id').where('source', '=', path).execute()

    t.write('guide.md', '# Revised guide\n\nThe submarine dives at dusk.')
    const report = await ingestPaths(t.store.db, [t.dir])

    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 1, chunks: 1 })
    expect(await retriever.search('zeppelin')).toEqual([])
    const hits = await retriever.search('submarine')
    expect(hits).toMatchObject([{ docId: doc?.id, title: 'Revised guide', source: path }])
    expect(await counts()).toEqual({ docs: 2, chunks: 2, fts: 2 })
  })

  it('re-chunks an unchanged file when the chunking changes', async () => {
    t.write('long.md', `# Long\n\n${para('pelican', 60)}`)
    const first = await ingestPaths(t.store.db, [t.dir], { chunkSize: 800, chunkOverlap: 0 })
    const second = await ingestPaths(t.store.db, [t.dir], { chunkSize: 200, chunkOverlap: 0 })
    expect(second).toMatchObject({ updated: 1, unchanged: 0 })
    expect(second.chunks).toBeGreaterThan(first.chunks)
    expect((await counts()).chunks).toBe(second.chunks)
  })

  it('keeps collections apart', async () => {
    t.write('x.md', '# X\n\nwombat facts')
    await ingestPaths(t.store.db, [t.dir], { collection: 'zoo' })
    const report = await ingestPaths(t.store.db, [t.dir], { collection: 'other' })
    expect(report.added).toBe(1)
    const zoo = new FtsRetriever({ db: t.store.db, collection: 'zoo' })
    expect(await zoo.search('wombat')).toHaveLength(1)
    expect(await new FtsRetriever({ db: t.store.db }).search('wombat')).toHaveLength(2)
    expect(await new FtsRetriever({ db: t.store.db, collection: 'none' }).search('wombat')).toEqual([])
  })

  it('throws NOT_FOUND for a missing path before writing anything', async () => {
    t.write('ok.md', '# Ok\n\ntext')
    const missing = join(t.dir, 'nope.md')
    const err = await ingestPaths(t.store.db, [t.dir, missing]).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('NOT_FOUND')
    expect(isAppError(err) && err.details).toEqual({ missing: [missing] })
    expect(await counts()).toEqual({ docs: 0, chunks: 0, fts: 0 })
  })

  it('rejects bad chunk settings and collections as VALIDATION', async () => {
    for (const opts of [{ chunkSize: 0 }, { chunkSize: 100, chunkOverlap: 100 }, { chunkOverlap: -1 }, { collection: ' ' }]) {
      const err = await ingestPaths(t.store.db, [t.dir], opts).catch((e: unknown) => e)
      expect(isAppError(err) && err.code).toBe('VALIDATION')
    }
  })

  it('follows symlinked folders once, without looping', async () => {
    t.write('sub/a.md', '# A\n\nkestrel')
    symlinkSync(t.dir, join(t.dir, 'sub', 'loop'))
    try {
      const report = await ingestPaths(t.store.db, [t.dir])
      expect(report).toMatchObject({ added: 1, skipped: [] })
    } finally {
      unlinkSync(join(t.dir, 'sub', 'loop'))
    }
  })
})
