import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { afterAll, describe, expect, it } from 'vitest'
import { addRagEvalCommand } from '../../cli/rag-eval-command.js'
import { EXIT, reportError } from '../../cli/exit-codes.js'
import { openDb } from '../../store/db.js'

const BEIR_MINI = join(import.meta.dirname, 'fixtures', 'beir-mini')
const scratch = mkdtempSync(join(tmpdir(), 'sy-eval-cmd-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** `switchyard rag eval ...` as main() runs it: the program's --db global, errors formatted at the edge. */
async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = ''
  let stderr = ''
  let code: number = EXIT.OK
  const program = new Command('switchyard').option('--db <path>').exitOverride()
    .configureOutput({ writeOut: (s) => { stdout += s }, writeErr: (s) => { stderr += s } })
  const rag = program.command('rag').exitOverride()
  addRagEvalCommand(rag, { write: (s) => { stdout += s }, isTTY: false }, (n) => { code = n }).exitOverride()
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v
  try {
    await program.parseAsync(['node', 'switchyard', ...args])
  } catch (e) {
    code = e instanceof CommanderError ? EXIT.USAGE : reportError(e, (s) => { stderr += s })
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v
  }
  return { code, stdout, stderr }
}

describe('switchyard rag eval', () => {
  it('prints nDCG@10, Recall@100, MRR@10 and latency for beir-mini in bm25 mode', async () => {
    const r = await run(['rag', 'eval', '--beir', BEIR_MINI])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toMatch(/^beir-mini \(test\): 42 documents, 42 chunks, loaded in [\d.]+ s; 13 queries; mode bm25 \(porter\)\n/)
    expect(r.stdout).toMatch(/nDCG@10 +[01]\.\d{4}\nRecall@100 +[01]\.\d{4}\nMRR@10 +[01]\.\d{4}\nlatency ms +p50 [\d.]+ +p99 [\d.]+ +mean [\d.]+\n$/)
  })

  it('--json gives the same figures as one JSON line; --k, --limit-queries and --tokenizer apply', async () => {
    const a = JSON.parse((await run(['rag', 'eval', '--beir', BEIR_MINI, '--json'])).stdout) as Record<string, number>
    expect(a).toMatchObject({ dataset: 'beir-mini', split: 'test', mode: 'bm25', tokenizer: 'porter', documents: 42, chunks: 42, queries: 13 })
    for (const key of ['ndcg@10', 'recall@100', 'mrr@10']) {
      expect(a[key]).toBeGreaterThan(0)
      expect(a[key]).toBeLessThanOrEqual(1)
    }
    const b = JSON.parse((await run(['rag', 'eval', '--beir', BEIR_MINI, '--json', '--k', '5', '--limit-queries', '4', '--tokenizer', 'unicode61'])).stdout) as Record<string, unknown>
    expect(b).toMatchObject({ queries: 4, tokenizer: 'unicode61' })
    expect(Object.keys(b)).toEqual(expect.arrayContaining(['ndcg@5', 'mrr@5', 'recall@100']))
  })

  it('with --db loads into collection beir-<folder> of that file and searches only it', async () => {
    const db = join(scratch, 'kept.db')
    const r = await run(['--db', db, 'rag', 'eval', '--beir', BEIR_MINI, '--json'])
    expect(r.code).toBe(0)
    const again = await run(['--db', db, 'rag', 'eval', '--beir', BEIR_MINI, '--json'])
    // loading again replaces the documents, so the figures do not move
    expect(JSON.parse(again.stdout)['ndcg@10']).toBe(JSON.parse(r.stdout)['ndcg@10'])
    const store = await openDb(db)
    const rows = store.sqlite.prepare('SELECT collection, count(*) AS n FROM rag_documents GROUP BY collection').all()
    await store.close()
    expect(rows).toEqual([{ collection: 'beir-beir-mini', n: 42 }])
    expect((await run(['--db', db, 'rag', 'eval', '--beir', BEIR_MINI, '--tokenizer', 'porter'])).code).toBe(EXIT.USAGE)
  })

  it('exits 2 on bad flags and files, naming the problem', async () => {
    const missing = await run(['rag', 'eval', '--beir', join(scratch, 'nope')])
    expect(missing.code).toBe(EXIT.USAGE)
    expect(missing.stderr).toMatch(/^switchyard: .*(corpus\.jsonl|queries\.jsonl|test\.tsv): no such file/)
    expect((await run(['rag', 'eval', '--beir', BEIR_MINI, '--split', 'dev'])).stderr).toContain(join('qrels', 'dev.tsv'))
    expect((await run(['rag', 'eval', '--beir', BEIR_MINI, '--mode', 'magic'])).stderr).toBe('switchyard: --mode must be bm25, vector or hybrid, got "magic"\n')
    expect((await run(['rag', 'eval', '--beir', BEIR_MINI, '--k', '101'])).code).toBe(EXIT.USAGE)
    expect((await run(['rag', 'eval', '--beir', BEIR_MINI, '--k', 'ten'])).code).toBe(EXIT.USAGE)
    expect((await run(['rag', 'eval'])).code).toBe(EXIT.USAGE)
  })

  it('exits 2 for --mode vector or hybrid when no embeddings are configured', async () => {
    for (const mode of ['vector', 'hybrid']) {
      const r = await run(['rag', 'eval', '--beir', BEIR_MINI, '--mode', mode], { SWITCHYARD_EMBEDDINGS_MODEL: undefined })
      expect(r.code).toBe(EXIT.USAGE)
      expect(r.stderr).toMatch(new RegExp(`^switchyard: --mode ${mode} needs `))
    }
  })

  it('exits 1 when the split judges no query relevant, with a bad file line reported as exit 2', async () => {
    const dir = join(scratch, 'zero')
    mkdirSync(join(dir, 'qrels'), { recursive: true })
    writeFileSync(join(dir, 'corpus.jsonl'), '{"_id":"d","title":"t","text":"x"}\n')
    writeFileSync(join(dir, 'queries.jsonl'), '{"_id":"q","text":"x"}\n')
    writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq\td\t0\n')
    const r = await run(['rag', 'eval', '--beir', dir])
    expect(r.code).toBe(EXIT.FAILED)
    expect(r.stdout).toContain('no query of split "test" has a relevant judgement')
    writeFileSync(join(dir, 'queries.jsonl'), '{"_id":"q","text":"x"}\n{"_id":"q2"\n')
    const bad = await run(['rag', 'eval', '--beir', dir])
    expect(bad.code).toBe(EXIT.USAGE)
    expect(bad.stderr).toContain('queries.jsonl:2: not valid JSON')
    expect(existsSync(join(scratch, 'nope'))).toBe(false)
  })
})
