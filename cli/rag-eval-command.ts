import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { EvalRetriever } from '../rag/eval-runner.js'
import { FTS_TOKENIZERS, setFtsTokenizer, type FtsTokenizer } from '../rag/eval-tokenizer.js'
import type { OpenedDb } from '../store/db.js'
import type { GlobalOpts } from './context.js'
import { EXIT, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const MODES = ['bm25', 'vector', 'hybrid'] as const
type Mode = (typeof MODES)[number]

interface EvalFlags {
  beir: string
  k: number
  mode: string
  split: string
  limitQueries?: number
  tokenizer?: string
  json?: boolean
}

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${v}"`)
  return n
}

type Loose = Record<string, ((...args: never[]) => unknown) | undefined>

/** A module of the vector/hybrid retrieval (rag/embeddings, vector-sync, retriever-factory), loaded only when asked for. */
async function optional(path: string, mode: Mode): Promise<Loose> {
  try {
    return (await import(path)) as Loose // a variable path: builds without these modules still compile
  } catch {
    throw new UsageError(`--mode ${mode} needs the vector retriever, which this build does not have; use --mode bm25`)
  }
}

/**
 * The retriever of a mode. For vector and hybrid: embeddings from the environment
 * (SWITCHYARD_EMBEDDINGS_*; none configured is exit 2), the dataset's chunks embedded first (timed
 * apart from the load), then rag/retriever-factory's `createRetriever`.
 */
async function modeRetriever(mode: Mode, store: OpenedDb, collection: string): Promise<{ retriever: EvalRetriever; embedMs?: number }> {
  const { FtsRetriever, MAX_K } = await import('../rag/fts-retriever.js')
  if (mode === 'bm25') return { retriever: new FtsRetriever({ db: store.db, k: MAX_K, collection }) }
  const [embeddings, sync, factory] = [
    await optional('../rag/embeddings.js', mode), await optional('../rag/vector-sync.js', mode), await optional('../rag/retriever-factory.js', mode),
  ]
  if (!embeddings.embeddingsFromEnv || !sync.syncVectors || !factory.createRetriever) throw new UsageError(`--mode ${mode} is not available in this build; use --mode bm25`)
  const fromEnv = embeddings.embeddingsFromEnv as (env: NodeJS.ProcessEnv) => unknown
  const syncVectors = sync.syncVectors as (...a: unknown[]) => Promise<unknown>
  const createRetriever = factory.createRetriever as (o: Record<string, unknown>) => EvalRetriever
  let config: unknown
  try {
    config = fromEnv(process.env)
  } catch (e) {
    throw new UsageError(`--mode ${mode}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (config === undefined) {
    throw new UsageError(`--mode ${mode} needs an embeddings endpoint: set SWITCHYARD_EMBEDDINGS_MODEL (and SWITCHYARD_EMBEDDINGS_BASE_URL for a local server)`)
  }
  const t0 = performance.now()
  await syncVectors(store.db, store.sqlite, config, { collection })
  const embedMs = performance.now() - t0
  try {
    return { retriever: createRetriever({ db: store.db, sqlite: store.sqlite, mode, embeddings: config, k: MAX_K, collection }), embedMs }
  } catch (e) {
    throw new UsageError(`--mode ${mode}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

const fmt = (x: number) => x.toFixed(4)
const ms = (x: number) => x.toFixed(2)

/**
 * `rag eval --beir DIR`: loads a BEIR corpus into a fresh temporary SQLite file (or into collection
 * `beir-<folder>` of `--db` when that global flag is given), runs every judged query of the split and
 * prints nDCG@k, Recall@100, MRR@k and query latency. Exit 2 on bad flags or files, 1 when the split
 * judges no query.
 */
export function addRagEvalCommand(rag: Command, out: Out, setCode: (n: number) => void): Command {
  return rag.command('eval').description('measure retrieval quality on a BEIR-format dataset (nDCG@10, Recall@100, MRR@10, latency)')
    .requiredOption('--beir <dir>', 'BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv')
    .option('--k <n>', 'cut-off of nDCG and MRR', positiveInt('--k'), 10)
    .option('--mode <mode>', 'bm25, vector or hybrid', 'bm25')
    .option('--split <name>', 'qrels split', 'test')
    .option('--limit-queries <n>', 'evaluate only the first N judged queries', positiveInt('--limit-queries'))
    .option('--tokenizer <name>', 'FTS5 tokenizer of the temporary index: porter or unicode61 (default porter)')
    .option('--json', 'JSON output')
    .action(async (o: EvalFlags, cmd: Command) => {
      if (!(MODES as readonly string[]).includes(o.mode)) throw new UsageError(`--mode must be bm25, vector or hybrid, got "${o.mode}"`)
      const [{ MAX_K }, { readBeir }, { evaluateRetriever, loadBeirCorpus }, { openDb }] = await Promise.all([
        import('../rag/fts-retriever.js'), import('../rag/beir-reader.js'), import('../rag/eval-runner.js'), import('../store/db.js'),
      ])
      if (o.k > MAX_K) throw new UsageError(`--k must be at most ${MAX_K}, got ${o.k}`)
      if (o.tokenizer !== undefined && !(o.tokenizer in FTS_TOKENIZERS)) throw new UsageError(`--tokenizer must be porter or unicode61, got "${o.tokenizer}"`)
      const dbFlag = cmd.optsWithGlobals<GlobalOpts>().db
      if (o.tokenizer !== undefined && dbFlag !== undefined) throw new UsageError('--tokenizer applies to the temporary database only; drop --db')

      const data = await readBeir(o.beir, { split: o.split })
      const temp = dbFlag === undefined ? mkdtempSync(join(tmpdir(), 'sy-eval-')) : undefined
      const store = await openDb(temp ? join(temp, 'eval.sqlite') : dbFlag!)
      try {
        const collection = `beir-${basename(resolve(o.beir))}`
        if (o.tokenizer) setFtsTokenizer(store.sqlite, o.tokenizer as FtsTokenizer)
        const load = await loadBeirCorpus(store.sqlite, data.corpus, collection)
        // a shared database may hold other documents: search only the dataset's collection
        const { retriever, embedMs } = await modeRetriever(o.mode as Mode, store, collection)
        const m = await evaluateRetriever(data, retriever, { k: o.k, limitQueries: o.limitQueries })
        const report = {
          dataset: basename(resolve(o.beir)), split: data.split, mode: o.mode, tokenizer: o.tokenizer ?? 'porter',
          documents: load.documents, chunks: load.chunks, loadMs: load.ms, ...(embedMs === undefined ? {} : { embedMs }), queries: m.queries,
          [`ndcg@${m.k}`]: m.ndcg, [`recall@${m.depth}`]: m.recall, [`mrr@${m.k}`]: m.mrr,
          latencyMs: m.latency,
        }
        if (m.queries === 0) setCode(EXIT.FAILED)
        if (o.json) { out.write(`${JSON.stringify(report)}\n`); return }
        out.write(`${report.dataset} (${data.split}): ${load.documents} documents, ${load.chunks} chunks, loaded in ${(load.ms / 1000).toFixed(2)} s; `
          + `${embedMs === undefined ? '' : `embedded in ${(embedMs / 1000).toFixed(2)} s; `}${m.queries} queries; mode ${o.mode}${o.mode === 'bm25' ? ` (${report.tokenizer})` : ''}\n`)
        if (m.queries === 0) { out.write(`no query of split "${data.split}" has a relevant judgement\n`); return }
        out.write(`nDCG@${m.k}      ${fmt(m.ndcg)}\nRecall@${m.depth}  ${fmt(m.recall)}\nMRR@${m.k}       ${fmt(m.mrr)}\n`)
        out.write(`latency ms   p50 ${ms(m.latency.p50Ms)}  p99 ${ms(m.latency.p99Ms)}  mean ${ms(m.latency.meanMs)}\n`)
      } finally {
        await store.close()
        if (temp) rmSync(temp, { recursive: true, force: true })
      }
    })
}
