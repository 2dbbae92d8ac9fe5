import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstHeading } from '../../rag/chunk-text.js'
import { FtsRetriever } from '../../rag/fts-retriever.js'
import { ingestPaths } from '../../rag/ingest.js'
import { openTempRag, type TempRag } from './temp-db.js'

const CORPUS = fileURLToPath(new URL('../../examples/corpus/', import.meta.url))

describe('examples/corpus', () => {
  let t: TempRag
  let retriever: FtsRetriever
  beforeAll(async () => {
    t = await openTempRag()
    await ingestPaths(t.store.db, [CORPUS])
    retriever = new FtsRetriever({ db: t.store.db, k: 3 })
  })
  afterAll(async () => {
    await t.cleanup()
  })

  it('holds 6-10 titled markdown documents of 300-1500 words', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.md'))
    expect(files.length).toBeGreaterThanOrEqual(6)
    expect(files.length).toBeLessThanOrEqual(10)
    for (const f of files) {
      const text = readFileSync(CORPUS + f, 'utf8')
      expect(text.startsWith('# '), f).toBe(true)
      const words = text.split(/\s+/).filter(Boolean).length
      expect(words, f).toBeGreaterThanOrEqual(300)
      expect(words, f).toBeLessThanOrEqual(1500)
      expect(firstHeading(text), f).toBeTruthy()
    }
  })

  it.each([
    ['How does Switchyard keep a run durable?', 'Durable Execution and Checkpointing'],
    ['Design an agent that reviews pull requests', 'Designing Specialist Agents'],
    ['Is a commit lost on power loss with synchronous NORMAL in WAL mode?', 'Write-Ahead Logging in SQLite'],
    ['When should a human approve an action before the agent continues?', 'Human-in-the-Loop Approval Gates'],
    ['How does BM25 rank documents?', 'Retrieval-Augmented Generation and BM25'],
    ['How should a router pick the next specialist and avoid loops?', 'Multi-Agent Handoffs and Routing'],
    ['canary release and rollback', 'Software Delivery Phases'],
    ['how to write review comments and mark nits', 'Code Review Practices'],
  ])('answers %j from %j first', async (question, title) => {
    const [top] = await retriever.search(question)
    expect(top?.title).toBe(title)
  })
})
