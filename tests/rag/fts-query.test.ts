import { describe, expect, it } from 'vitest'
import { MAX_QUERY_TERMS, queryTerms, toFtsQuery } from '../../rag/fts-query.js'

describe('toFtsQuery', () => {
  it('quotes each word and ORs them, dropping stopwords and duplicates', () => {
    expect(toFtsQuery('How does Switchyard keep a run durable? durable!')).toBe(
      '"switchyard" OR "keep" OR "run" OR "durable"',
    )
  })

  it('turns FTS5 operators and syntax into plain words or nothing', () => {
    expect(toFtsQuery('NEAR(wal checkpoint, 5)')).toBe('"near" OR "wal" OR "checkpoint" OR "5"')
    expect(toFtsQuery('title:bm25 AND -review*')).toBe('"title" OR "bm25" OR "review"')
    expect(toFtsQuery('"*(:^')).toBeUndefined()
    expect(toFtsQuery('')).toBeUndefined()
  })

  it('keeps stopwords when they are all there is', () => {
    expect(toFtsQuery('AND OR NOT')).toBe('"and" OR "or" OR "not"')
  })

  it('keeps letters and digits of any script, splits on everything else', () => {
    expect(queryTerms('café naïve 数据库 x86_64')).toEqual(['café', 'naïve', '数据库', 'x86', '64'])
  })

  it('caps the number of terms', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`)
    expect(queryTerms(words.join(' '))).toHaveLength(MAX_QUERY_TERMS)
  })
})
