/**
 * Measures the FTS5 tokenizer choice: builds the chunk index of one BEIR-format folder with each
 * tokenizer in `FTS_TOKENIZERS` (porter-stemmed vs plain unicode61) over the same chunks, and prints
 * nDCG@10, Recall@100 and MRR@10 of BM25 retrieval for each, per split asked for. Decide on a
 * training split and only report the test split (the issue: never tune on a test split).
 *
 *   npx tsx tests/rag/fts-tokenizer-compare.ts DIR [split ...]     (default split: test)
 *   npx tsx tests/rag/fts-tokenizer-compare.ts tests/rag/fixtures/beir-mini
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readBeir } from '../../rag/beir-reader.js'
import { FTS_TOKENIZERS, setFtsTokenizer, type FtsTokenizer } from '../../rag/eval-tokenizer.js'
import { evaluateRetriever, loadBeirCorpus, type EvalMetrics } from '../../rag/eval-runner.js'
import { FtsRetriever, MAX_K } from '../../rag/fts-retriever.js'
import { openDb } from '../../store/db.js'

/** nDCG@10 / Recall@100 / MRR@10 of BM25 per tokenizer and split, over one load of the corpus. */
export async function compareTokenizers(dir: string, splits: string[]): Promise<Map<string, Map<FtsTokenizer, EvalMetrics>>> {
  const tmp = mkdtempSync(join(tmpdir(), 'sy-tok-'))
  const store = await openDb(join(tmp, 'eval.sqlite'))
  const out = new Map<string, Map<FtsTokenizer, EvalMetrics>>()
  try {
    const first = await readBeir(dir, { split: splits[0] })
    await loadBeirCorpus(store.sqlite, first.corpus, 'beir')
    const retriever = new FtsRetriever({ db: store.db, k: MAX_K })
    for (const tokenizer of Object.keys(FTS_TOKENIZERS) as FtsTokenizer[]) {
      setFtsTokenizer(store.sqlite, tokenizer)
      for (const split of splits) {
        const data = split === first.split ? first : await readBeir(dir, { split })
        const m = await evaluateRetriever(data, retriever, { k: 10, depth: 100 })
        if (!out.has(split)) out.set(split, new Map())
        out.get(split)!.set(tokenizer, m)
      }
    }
  } finally {
    await store.close()
    rmSync(tmp, { recursive: true, force: true })
  }
  return out
}

if (process.argv[1]?.endsWith('fts-tokenizer-compare.ts')) {
  const [dir, ...splits] = process.argv.slice(2)
  if (!dir) throw new Error('usage: fts-tokenizer-compare.ts DIR [split ...]')
  const results = await compareTokenizers(dir, splits.length > 0 ? splits : ['test'])
  console.log('| split | tokenizer | queries | nDCG@10 | Recall@100 | MRR@10 | p50 ms |')
  console.log('|---|---|---:|---:|---:|---:|---:|')
  for (const [split, byTok] of results) {
    for (const [tok, m] of byTok) {
      console.log(`| ${split} | ${tok} | ${m.queries} | ${m.ndcg.toFixed(4)} | ${m.recall.toFixed(4)} | ${m.mrr.toFixed(4)} | ${m.latency.p50Ms.toFixed(2)} |`)
    }
  }
}
