import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCorpus, parseQrels, parseQueries, readBeir } from '../../rag/beir-reader.js'
import { isAppError } from '../../store/app-error.js'

const BEIR_MINI = join(import.meta.dirname, 'fixtures', 'beir-mini')

const errorOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    if (!isAppError(e)) throw e
    return { code: e.code, message: e.message }
  }
  throw new Error('expected an error')
}

describe('readBeir', () => {
  const dirs: string[] = []
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

  it('reads the beir-mini fixture', async () => {
    const data = await readBeir(BEIR_MINI)
    expect(data.corpus).toHaveLength(42)
    expect(data.corpus[0]).toEqual({ id: 'd01', title: 'Write-ahead logging in SQLite', text: expect.stringContaining('WAL mode') })
    expect(data.corpus.find((d) => d.id === 'd41')!.title).toBe('')
    expect(data.queries.size).toBe(15)
    expect(data.qrels.size).toBe(14)
    expect(data.qrels.get('q1')).toEqual(new Map([['d02', 2], ['d01', 2], ['d41', 1], ['d03', 1]]))
    expect(data.split).toBe('test')
  })

  it('names a missing file and refuses a path-like split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-beir-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'corpus.jsonl'), '')
    writeFileSync(join(dir, 'queries.jsonl'), '')
    await expect(readBeir(dir)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(join('qrels', 'test.tsv')) })
    await expect(readBeir(dir, { split: '../x' })).rejects.toMatchObject({ code: 'VALIDATION' })
    mkdirSync(join(dir, 'qrels'))
    writeFileSync(join(dir, 'qrels', 'dev.tsv'), 'query-id\tcorpus-id\tscore\n')
    const empty = await readBeir(dir, { split: 'dev' })
    expect([empty.corpus.length, empty.queries.size, empty.qrels.size]).toEqual([0, 0, 0])
  })
})

describe('parsers report file:line', () => {
  it('corpus: bad JSON, non-object, missing or duplicate _id, wrong types', () => {
    const good = '{"_id":"1","title":"T","text":"x"}\n'
    expect(errorOf(() => parseCorpus(`${good}\n{"_id": "2",`, 'c.jsonl'))).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/^c\.jsonl:3: not valid JSON/) })
    expect(errorOf(() => parseCorpus('[1]', 'c.jsonl')).message).toBe('c.jsonl:1: expected a JSON object')
    expect(errorOf(() => parseCorpus(`${good}{"title":"x"}`, 'c.jsonl')).message).toBe('c.jsonl:2: missing "_id"')
    expect(errorOf(() => parseCorpus(`${good}${good}`, 'c.jsonl')).message).toBe('c.jsonl:2: duplicate _id "1"')
    expect(errorOf(() => parseCorpus('{"_id":"1","text":5}', 'c.jsonl')).message).toBe('c.jsonl:1: "text" must be a string')
  })
  it('corpus: numeric ids, missing title, CRLF and blank lines are fine', () => {
    expect(parseCorpus('{"_id":7,"text":"a"}\r\n\r\n{"_id":"8","title":"B","text":"b","metadata":{}}\r\n'))
      .toEqual([{ id: '7', title: '', text: 'a' }, { id: '8', title: 'B', text: 'b' }])
  })
  it('queries: text required, metadata ignored', () => {
    expect(parseQueries('{"_id":"q","text":"hi","metadata":{"a":1}}')).toEqual(new Map([['q', 'hi']]))
    expect(errorOf(() => parseQueries('{"_id":"q"}', 'q.jsonl')).message).toBe('q.jsonl:1: missing "text"')
  })
  it('qrels: header optional, three integer columns, no duplicates', () => {
    expect(parseQrels('q1\td1\t1\nq1\td2\t0\nq2\td1\t2\n')).toEqual(new Map([['q1', new Map([['d1', 1], ['d2', 0]])], ['q2', new Map([['d1', 2]])]]))
    expect(errorOf(() => parseQrels('query-id\tcorpus-id\tscore\nq1\td1\n', 'r.tsv')).message).toMatch(/^r\.tsv:2: expected 3 tab-separated columns/)
    expect(errorOf(() => parseQrels('q1\td1\thigh', 'r.tsv')).message).toBe('r.tsv:1: score must be an integer, got "high"')
    expect(errorOf(() => parseQrels('q1\td1\t1\nq1\td1\t2', 'r.tsv')).message).toBe('r.tsv:2: duplicate judgement for query "q1" and document "d1"')
  })
})
