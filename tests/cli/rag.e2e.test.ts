import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDb } from './cli-harness.js'

const FIX = join(ROOT, 'tests/rag/fixtures/ingest')

describe('switchyard rag (child processes, real SQLite file)', () => {
  const t = tempDb()
  const docs = join(t.dir, 'docs')
  const db = ['--db', t.db]
  afterAll(() => t.cleanup())
  beforeAll(() => {
    mkdirSync(docs)
    for (const f of ['guide.md', 'notes.txt', 'page.html', 'paper.pdf', 'records.json', 'records.jsonl']) copyFileSync(join(FIX, f), join(docs, f))
  })

  it('ingests every format from a glob; a bad jsonl line is reported with its number; no progress bar in a pipe', async () => {
    const r = await runCli(['rag', 'ingest', join(docs, '*'), '--collection', 'kb', '--chunk-size', '300', '--chunk-overlap', '20', ...db])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^ingested: 8 added, 0 updated, 0 unchanged, \d+ chunks, 3 skipped\n/)
    expect(r.stdout).toContain(`skipped ${join(docs, 'records.jsonl')}:3: invalid JSON`)
    expect(r.stderr).toBe('')
  })

  it('re-ingesting unchanged files writes nothing; a changed file replaces its chunks', async () => {
    const same = await runCli(['rag', 'ingest', docs, '--collection', 'kb', '--chunk-size', '300', '--chunk-overlap', '20', '--json', ...db])
    expect(JSON.parse(same.stdout)).toMatchObject({ added: 0, updated: 0, unchanged: 8, chunks: 0 })
    writeFileSync(join(docs, 'notes.txt'), 'Tide tables were replaced by an albatross almanac.')
    const changed = await runCli(['rag', 'ingest', join(docs, 'notes.txt'), '--collection', 'kb', '--chunk-size', '300', '--chunk-overlap', '20', '--json', ...db])
    expect(JSON.parse(changed.stdout)).toMatchObject({ added: 0, updated: 1, chunks: 1 })
    const q = await runCli(['rag', 'query', 'albatross almanac', '--collection', 'kb', '--json', ...db])
    expect((JSON.parse(q.stdout) as { source: string }[])[0]?.source).toBe(join(docs, 'notes.txt'))
    expect(JSON.parse((await runCli(['rag', 'query', 'harbour moon', '--collection', 'kb', '--json', ...db])).stdout)).toEqual([])
  })

  it('lists collections and documents', async () => {
    await runCli(['rag', 'ingest', join(docs, 'guide.md'), '--collection', 'bees', ...db])
    const cols = JSON.parse((await runCli(['rag', 'list', '--json', ...db])).stdout) as { name: string; documents: number; chunks: number }[]
    expect(cols.map((c) => [c.name, c.documents])).toEqual([['bees', 1], ['kb', 8]])
    expect(cols.every((c) => c.chunks >= c.documents)).toBe(true)
    const human = await runCli(['rag', 'list', '--collection', 'kb', ...db])
    expect(human.stdout).toContain('Lighthouse Manual')
    const listed = JSON.parse((await runCli(['rag', 'list', '--collection', 'kb', '--json', ...db])).stdout) as { source: string; metadata: Record<string, unknown> }[]
    expect(listed.find((d) => d.source.endsWith('paper.pdf'))?.metadata).toMatchObject({ file_type: 'pdf', pages: 2 })
  })

  it('deletes one document by relative source, then a whole collection; unknown ones exit 2', async () => {
    const one = await runCli(['rag', 'delete', '--collection', 'kb', '--source', join('docs', 'records.jsonl'), '--json', '--db', t.db], {}).catch(() => undefined)
    // the CLI runs in the repo root, so a path relative to the temp dir is unknown there
    expect(one?.code).toBe(2)
    const abs = await runCli(['rag', 'delete', '--collection', 'kb', '--source', join(docs, 'records.jsonl'), '--json', ...db])
    expect(JSON.parse(abs.stdout)).toMatchObject({ documents: 2 })
    const all = await runCli(['rag', 'delete', '--collection', 'bees', ...db])
    expect(all.stdout).toMatch(/^deleted 1 document and \d+ chunks?\n$/)
    const gone = await runCli(['rag', 'delete', '--collection', 'bees', ...db])
    expect(gone.code).toBe(2)
    expect(gone.stderr).toContain('collection "bees" not found')
  })

  it('rejects bad chunk settings with exit 2 and writes nothing', async () => {
    const r = await runCli(['rag', 'ingest', docs, '--collection', 'new', '--chunk-size', '100', '--chunk-overlap', '100', ...db])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/chunkOverlap/)
    const bad = await runCli(['rag', 'ingest', docs, '--chunk-size', 'big', ...db])
    expect(bad.code).toBe(2)
    const cols = JSON.parse((await runCli(['rag', 'list', '--json', ...db])).stdout) as { name: string }[]
    expect(cols.map((c) => c.name)).toEqual(['kb'])
  })
})
