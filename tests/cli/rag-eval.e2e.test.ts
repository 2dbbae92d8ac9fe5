import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli } from './cli-harness.js'

const MINI = join(ROOT, 'tests/rag/fixtures/beir-mini')

/** `switchyard rag eval` through the package bin (issue 6, item 4). */
describe('switchyard rag eval', () => {
  it('prints nDCG@10, Recall@100, MRR@10 and latency for a BEIR folder', async () => {
    const r = await runCli(['rag', 'eval', '--beir', MINI, '--json'])
    expect(r.code).toBe(0)
    const m = JSON.parse(r.stdout) as Record<string, unknown> & { latencyMs: { p50Ms: number; p99Ms: number } }
    expect(m).toMatchObject({ dataset: 'beir-mini', split: 'test', mode: 'bm25', tokenizer: 'porter', documents: 42, queries: 13 })
    for (const k of ['ndcg@10', 'recall@100', 'mrr@10']) {
      expect(m[k]).toBeGreaterThan(0.5)
      expect(m[k]).toBeLessThanOrEqual(1)
    }
    expect(m.latencyMs.p99Ms).toBeGreaterThanOrEqual(m.latencyMs.p50Ms)
    const text = await runCli(['rag', 'eval', '--beir', MINI])
    expect(text.stdout).toMatch(/^nDCG@10\s+0\.\d{4}$/m)
  })

  it('bad folders and modes without embeddings exit 2 with one line on stderr', async () => {
    const missing = await runCli(['rag', 'eval', '--beir', join(ROOT, 'no-such-folder')])
    expect(missing.code).toBe(2)
    // the reader opens the three files together: whichever is found missing first is named (qrels too)
    expect(missing.stderr).toMatch(/^switchyard: .*no-such-folder\/(\w+\.jsonl|qrels\/\w+\.tsv): no such file \(a BEIR folder has corpus\.jsonl/)
    const vector = await runCli(['rag', 'eval', '--beir', MINI, '--mode', 'vector'])
    expect(vector.code).toBe(2)
    expect(vector.stderr).toMatch(/SWITCHYARD_EMBEDDINGS_MODEL/)
  })
})
