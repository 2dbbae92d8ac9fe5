import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deleteCollection, deleteDocument, listCollections, listDocuments } from '../../rag/collections.js'
import { ingestPaths } from '../../rag/ingest.js'
import { isAppError } from '../../store/app-error.js'
import type { RagFtsTables } from '../../store/rag-schema.js'
import { openTempRag, type TempRag } from './temp-db.js'

const codeOf = (e: unknown) => (isAppError(e) ? e.code : e)

describe('collections', () => {
  let t: TempRag
  beforeEach(async () => {
    t = await openTempRag()
    t.write('a.md', '# A\n\nalpha')
    t.write('b.txt', 'bravo '.repeat(100))
    t.write('r.jsonl', '{"id": "x", "text": "xray"}\n{"id": "y", "text": "yankee"}\n')
    await ingestPaths(t.store.db, [t.dir], { collection: 'one', chunkSize: 120, chunkOverlap: 0 })
    await ingestPaths(t.store.db, [join(t.dir, 'a.md')], { collection: 'two' })
  })
  afterEach(async () => { await t.cleanup() })

  const ftsRows = async () => Number((await t.store.db.withTables<RagFtsTables>().selectFrom('rag_chunks_fts').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  it('lists collections with counts, and the documents of one', async () => {
    const cols = await listCollections(t.store.db)
    expect(cols.map(({ createdAt: _c, ...c }) => c)).toEqual([
      { name: 'one', documents: 4, chunks: expect.any(Number) },
      { name: 'two', documents: 1, chunks: 1 },
    ])
    expect(cols[0]!.chunks).toBeGreaterThan(4)
    const docs = await listDocuments(t.store.db, 'one')
    expect(docs.map((d) => d.source.slice(t.dir.length + 1))).toEqual(['a.md', 'b.txt', 'r.jsonl#x', 'r.jsonl#y'])
    expect(docs[2]).toMatchObject({ title: 'r.jsonl #x', chunks: 1, metadata: { id: 'x', line: 1, file_type: 'jsonl' } })
    expect(await listDocuments(t.store.db, 'one', { limit: 1, offset: 1 })).toHaveLength(1)
    expect(codeOf(await listDocuments(t.store.db, 'none').catch((e: unknown) => e))).toBe('NOT_FOUND')
  })

  it('deletes by id, by source (a JSONL file takes all its records) and whole collections, FTS rows included', async () => {
    const docs = await listDocuments(t.store.db, 'one')
    const total = await ftsRows()
    const byId = await deleteDocument(t.store.db, 'one', { id: docs[1]!.id })
    expect(byId.documents).toBe(1)
    expect(await ftsRows()).toBe(total - byId.chunks)
    expect(await deleteDocument(t.store.db, 'one', { source: join(t.dir, 'r.jsonl') })).toEqual({ documents: 2, chunks: 2 })
    expect(codeOf(await deleteDocument(t.store.db, 'one', { source: join(t.dir, 'r.jsonl') }).catch((e: unknown) => e))).toBe('NOT_FOUND')
    expect(codeOf(await deleteDocument(t.store.db, 'two', { id: docs[0]!.id }).catch((e: unknown) => e))).toBe('NOT_FOUND') // another collection's id
    expect(await deleteCollection(t.store.db, 'one')).toEqual({ documents: 1, chunks: 1 })
    expect(await ftsRows()).toBe(1)
    expect((await listCollections(t.store.db)).map((c) => c.name)).toEqual(['two'])
    expect(codeOf(await deleteCollection(t.store.db, 'one').catch((e: unknown) => e))).toBe('NOT_FOUND')
  })
})
