/**
 * RAG benchmark (issue 6): ingest throughput of short documents through the bulk loader, and
 * FtsRetriever.search latency at 5k and 100k chunks, side by side with the FTS5 index as loaded and
 * after `optimize` (one segment). Real SQLite files in a temp folder, WAL + synchronous NORMAL (openDb).
 *
 *   npm run bench:rag            # BENCH_RAG_QUERIES=500, BENCH_RAG_SIZES=5000,100000
 *
 * Documents are 200–500 characters of Zipf-distributed pseudo-words (deterministic); queries are
 * 2–5 such words, k = 10. Latency is measured after 50 warm-up queries.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { bulkLoad } from '../rag/bulk-load.js'
import { percentile } from '../rag/eval-metrics.js'
import { FtsRetriever } from '../rag/fts-retriever.js'
import { openDb } from '../store/db.js'
import { syntheticDocs, syntheticQueries } from './rag/synthetic-docs.js'

const QUERIES = Number(process.env.BENCH_RAG_QUERIES ?? 500)
const SIZES = (process.env.BENCH_RAG_SIZES ?? '5000,100000').split(',').map(Number)
const dir = mkdtempSync(join(tmpdir(), 'sy-bench-rag-'))

async function latency(retriever: FtsRetriever, queries: string[]) {
  for (const q of queries.slice(0, 50)) await retriever.search(q, { k: 10 })
  const ms: number[] = []
  let hits = 0
  for (const q of queries) {
    const t0 = performance.now()
    hits += (await retriever.search(q, { k: 10 })).length
    ms.push(performance.now() - t0)
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), hitsPerQuery: hits / queries.length }
}

const rows: string[][] = []
const started = performance.now()
const queries = syntheticQueries(QUERIES)
for (const n of SIZES) {
  const store = await openDb(join(dir, `rag-${n}.db`))
  const load = await bulkLoad(store.sqlite, syntheticDocs(n), { collection: 'bench' })
  const docsPerSec = load.documents / (load.ms / 1000)
  const retriever = new FtsRetriever({ db: store.db, k: 10 })
  const asLoaded = await latency(retriever, queries)
  const t0 = performance.now()
  store.sqlite.prepare("INSERT INTO rag_chunks_fts (rag_chunks_fts) VALUES ('optimize')").run()
  const optimizeMs = performance.now() - t0
  const optimized = await latency(retriever, queries)
  const target = n <= 5_000 ? ' (target ≥ 2,000)' : ''
  rows.push([`${n.toLocaleString('en')}`, `${docsPerSec.toFixed(0)}${target}`, `${(load.ms / 1000).toFixed(2)} s`,
    asLoaded.p50.toFixed(2), asLoaded.p99.toFixed(2), `${(optimizeMs / 1000).toFixed(2)} s`,
    `${optimized.p50.toFixed(2)}${n <= 5_000 ? ' (target ≤ 5)' : ''}`, optimized.p99.toFixed(2), asLoaded.hitsPerQuery.toFixed(1)])
  await store.close()
}
rmSync(dir, { recursive: true, force: true })

console.log('| chunks | ingest docs/s | load time | query p50 ms | p99 ms | optimize | p50 ms after optimize | p99 ms after | hits/query |')
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
const load = `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
console.log(`\nnode ${process.version}, ${QUERIES} queries (k = 10) per size, docs 200–500 chars, one chunk each; ${load}; total ${((performance.now() - started) / 1000).toFixed(1)} s`)
