import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeEmbeddings, type FakeEmbeddings } from '../rag/fake-embeddings-server.js'
import { ROOT, runCli } from './cli-harness.js'

/**
 * The hybrid path through the CLI (issue 6): an OpenAI-compatible embeddings endpoint started here,
 * `rag ingest` embedding the new chunks into sqlite-vec, `rag query` fusing BM25 and vectors, and
 * `rag eval --mode hybrid` on the BEIR fixture.
 */
describe('rag with an embeddings endpoint', () => {
  let fake: FakeEmbeddings
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    // synonyms land on the same axis: a query for "automobile" is near a text about a "car"
    fake = await startFakeEmbeddings({ synonyms: { automobile: 'car', automobiles: 'car', cars: 'car' } })
    dir = mkdtempSync(join(tmpdir(), 'sy-hybrid-'))
    writeFileSync(join(dir, 'cars.md'), '# Workshop notes\n\nThe car needs new tyres and an oil change before winter.\n')
    writeFileSync(join(dir, 'garden.md'), '# Garden notes\n\nRoses need water every morning and shade at noon.\n')
    env = { SWITCHYARD_EMBEDDINGS_MODEL: 'fake-embed', SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url }
  })
  afterAll(async () => {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const db = () => join(dir, 'sy.db')

  it('ingest embeds the new chunks once; an unchanged re-ingest embeds nothing', async () => {
    const first = await runCli(['--db', db(), 'rag', 'ingest', dir, '--json'], env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 2, chunks: 2, vectors: { embedded: 2, removed: 0, model: 'fake-embed' } })
    const calls = fake.requests.length
    const again = await runCli(['--db', db(), 'rag', 'ingest', dir, '--json'], env)
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: 2, vectors: { embedded: 0, removed: 0 } })
    expect(fake.requests.length).toBe(calls)
  })

  it('query: BM25 misses a synonym, vectors and the hybrid fusion find it', async () => {
    const ask = async (mode: string) => {
      const r = await runCli(['--db', db(), 'rag', 'query', 'automobile maintenance', '--mode', mode, '--json'], env)
      expect(r.code).toBe(0)
      return (JSON.parse(r.stdout) as { title: string; scores?: Record<string, number> }[])
    }
    expect(await ask('bm25')).toEqual([])
    expect((await ask('vector'))[0]?.title).toBe('Workshop notes')
    const hybrid = await ask('hybrid')
    expect(hybrid[0]).toMatchObject({ title: 'Workshop notes', scores: { vector: expect.any(Number) } })
    // weights shift the fusion; filters narrow both rankings
    const fused = async (weights: string) => {
      const r = await runCli(['--db', db(), 'rag', 'query', 'automobile garden', '--mode', 'hybrid', '--weights', weights, '--json'], env)
      expect(r.code).toBe(0)
      return Object.fromEntries((JSON.parse(r.stdout) as { title: string; score: number }[]).map((h) => [h.title, h.score]))
    }
    const [vectorHeavy, bm25Heavy] = [await fused('bm25=1,vector=3'), await fused('bm25=3,vector=1')]
    // the workshop notes are found only by vectors ("automobile" is a synonym of "car"): their fused score follows the vector weight
    expect(vectorHeavy['Workshop notes']).toBeGreaterThan(bm25Heavy['Workshop notes'] ?? 0)
    const filtered = await runCli(['--db', db(), 'rag', 'query', 'notes', '--filter', JSON.stringify({ source: join(dir, 'garden.md') }), '--json'], env)
    expect((JSON.parse(filtered.stdout) as { title: string }[]).map((h) => h.title)).toEqual(['Garden notes'])
    const badWeights = await runCli(['--db', db(), 'rag', 'query', 'notes', '--weights', 'bm25'], env)
    expect([badWeights.code, badWeights.stderr]).toEqual([2, 'switchyard: --weights must look like bm25=1,vector=2, got "bm25"\n'])
    const badFilter = await runCli(['--db', db(), 'rag', 'query', 'notes', '--filter', '{"color":"red"}'], env)
    expect(badFilter.code).toBe(2)
    expect(badFilter.stderr).toMatch(/^switchyard: --filter: /)
    // without the endpoint, vector mode is a clear usage error, not a silent downgrade
    const none = await runCli(['--db', db(), 'rag', 'query', 'car', '--mode', 'vector'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^switchyard: .*(embeddings|vector)/i)
  })

  it('eval --mode hybrid on the BEIR fixture', async () => {
    const r = await runCli(['rag', 'eval', '--beir', join(ROOT, 'tests/rag/fixtures/beir-mini'), '--mode', 'hybrid', '--json'], env)
    expect(r.code).toBe(0)
    const m = JSON.parse(r.stdout) as Record<string, number>
    expect(m).toMatchObject({ mode: 'hybrid', documents: 42 })
    expect(m['ndcg@10']).toBeGreaterThan(0.5)
    expect(m['ndcg@10']).toBeLessThanOrEqual(1)
  })
})
