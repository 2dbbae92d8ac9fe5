import { Document } from '@langchain/core/documents'
import { BaseRetriever } from '@langchain/core/retrievers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { ingestPaths } from '../../rag/ingest.js'
import { isAppError } from '../../store/app-error.js'
import { openTempRag, type TempRag } from './temp-db.js'

const DOCS = {
  'wal.md': `# Write-ahead logging in SQLite

In WAL mode SQLite appends changed pages to a separate log file and readers keep reading the
database file. A checkpoint copies the log back into the database. Commits are fast because
they only append to the log.`,
  'review.md': `# Code review practices

Reviewers read the diff, run the tests, and leave comments. Small pull requests are reviewed
faster and more carefully than large ones.`,
  'handoff.md': `# Multi-agent handoffs

A router agent decides which specialist agent takes the next turn. The handoff carries the
conversation state so the specialist does not start from nothing.`,
  'bm25.md': `# Ranking with BM25

BM25 scores a document by term frequency, inverse document frequency and document length.
Rare terms weigh more than common ones. Near-duplicate queries rank similar documents.`,
}

describe('FtsRetriever', () => {
  let t: TempRag
  let retriever: FtsRetriever
  beforeAll(async () => {
    t = await openTempRag()
    for (const [name, text] of Object.entries(DOCS)) t.write(name, text)
    await ingestPaths(t.store.db, [t.dir])
    retriever = new FtsRetriever({ db: t.store.db, k: 3 })
  })
  afterAll(async () => {
    await t.cleanup()
  })

  it('ranks the relevant document first, best score first', async () => {
    const hits = await retriever.search('How does the write-ahead log make commits durable?')
    expect(hits[0]?.title).toBe('Write-ahead logging in SQLite')
    expect(hits[0]?.source).toMatch(/wal\.md$/)
    expect(hits[0]?.chunk).toContain('appends changed pages')
    const scores = hits.map((h) => h.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))

    expect((await retriever.search('pull request reviewers'))[0]?.title).toBe('Code review practices')
    expect((await retriever.search('which specialist agent gets the handoff'))[0]?.title).toBe('Multi-agent handoffs')
  })

  it('stems words (porter) and ignores case and diacritics', async () => {
    expect((await retriever.search('REVIEWING'))[0]?.title).toBe('Code review practices')
    expect((await retriever.search('routér'))[0]?.title).toBe('Multi-agent handoffs')
  })

  it('honours k from the constructor and per call', async () => {
    expect(await retriever.search('the agent log review bm25')).toHaveLength(3)
    expect(await retriever.search('the agent log review bm25', { k: 1 })).toHaveLength(1)
    for (const k of [0, -1, 1.5, 1000]) {
      const err = await retriever.search('log', { k }).catch((e: unknown) => e)
      expect(isAppError(err) && err.code).toBe('VALIDATION')
    }
  })

  it('never lets FTS5 syntax through: hostile queries return hits or [] without throwing', async () => {
    const hostile = [
      'AND OR NOT', '"', '""', '"unterminated', '*', 'log*', '(', ')', '(log', 'NEAR(', 'NEAR(log review, 2)',
      'col:', 'title:wal', 'text:log', '^log', '-log', '+log', 'log AND', 'OR log', 'NOT', '{title}: log',
      "'; DROP TABLE rag_chunks; --", '\u0000', '🦆🦆', 'a'.repeat(10_000), Array(500).fill('log').join(' '),
      '   ', '', '...', '\\', '[log]', 'log:review:bm25',
    ]
    for (const q of hostile) {
      const hits = await retriever.search(q)
      expect(Array.isArray(hits), q.slice(0, 40)).toBe(true)
    }
    expect(await retriever.search('')).toEqual([])
    expect(await retriever.search('"*(:')).toEqual([])
    expect((await retriever.search('NEAR(checkpoint pages'))[0]?.title).toBe('Write-ahead logging in SQLite')
    expect((await retriever.search('title:review'))[0]?.title).toBe('Code review practices')
    // the table survived the injection attempt
    expect((await retriever.search('handoff')).length).toBeGreaterThan(0)
  })

  it('is a LangChain retriever: invoke returns Documents with citation metadata', async () => {
    expect(retriever).toBeInstanceOf(BaseRetriever)
    const docs = await retriever.invoke('BM25 inverse document frequency')
    expect(docs.length).toBeGreaterThan(0)
    const [top] = docs
    expect(top).toBeInstanceOf(Document)
    expect(top?.pageContent).toContain('inverse document frequency')
    expect(top?.metadata).toEqual({
      id: expect.any(Number),
      docId: expect.any(Number),
      title: 'Ranking with BM25',
      score: expect.any(Number),
      source: expect.stringMatching(/bm25\.md$/),
      collection: 'default',
      metadata: expect.any(Object),
    })
    expect(top?.id).toBe(String(top?.metadata.id))
    expect(await retriever.invoke('?!')).toEqual([])
  })

  it('does not put the database handle into its serialised form', () => {
    expect(JSON.stringify(retriever.toJSON())).not.toMatch(/kysely|executor|sqlite/i)
  })
})
