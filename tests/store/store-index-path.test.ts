import { describe, expect, it } from 'vitest'
import { checkIndexPath, indexedTexts } from '../../store/store-index-text.js'
import { textsAtPath, tokenizeIndexPath } from '../../store/store-index-path.js'

// Expected values checked against langgraph-checkpoint 1.2.2's dist/store/utils.js getTextAtPath (what its InMemoryStore indexes with).
const doc = {
  title: 'Durable runs',
  n: 3,
  ok: true,
  meta: { author: { name: 'Ana' }, tags: ['a', 'b'] },
  chapters: [{ content: 'one', n: 1 }, { content: 'two', n: 2 }],
  nothing: null,
}

describe('index paths (LangGraph store semantics)', () => {
  it('tokenizes keys, indexes and multi-field groups', () => {
    expect(tokenizeIndexPath('chapters[*].content')).toEqual(['chapters', '[*]', 'content'])
    expect(tokenizeIndexPath('meta.author.name')).toEqual(['meta', 'author', 'name'])
    expect(tokenizeIndexPath('{title,meta.author.name}')).toEqual(['{title,meta.author.name}'])
    expect(tokenizeIndexPath('a[0][-1]')).toEqual(['a', '[0]', '[-1]'])
  })

  it('reads texts: $ is the JSON, leaves are their text, objects their JSON, arrays fan out', () => {
    expect(textsAtPath(doc, '$')).toEqual([JSON.stringify(doc, null, 2)])
    expect(textsAtPath(doc, 'title')).toEqual(['Durable runs'])
    expect(textsAtPath(doc, 'n')).toEqual(['3'])
    expect(textsAtPath(doc, 'ok')).toEqual(['true'])
    expect(textsAtPath(doc, 'meta.author')).toEqual([JSON.stringify({ name: 'Ana' }, null, 2)])
    expect(textsAtPath(doc, 'chapters[*].content')).toEqual(['one', 'two'])
    expect(textsAtPath(doc, 'chapters[-1].content')).toEqual(['two'])
    expect(textsAtPath(doc, 'chapters[5].content')).toEqual([])
    expect(textsAtPath(doc, 'meta.*')).toEqual([JSON.stringify({ name: 'Ana' }, null, 2), JSON.stringify(['a', 'b'], null, 2)])
    expect(textsAtPath(doc, '{title,meta.author.name,missing}')).toEqual(['Durable runs', 'Ana'])
    expect(textsAtPath(doc, 'nothing')).toEqual([])
    expect(textsAtPath(doc, 'missing.deeper')).toEqual([])
    expect(textsAtPath(doc, 'constructor')).toEqual([])
  })

  it('names one text per match, skips blank texts, hashes each', () => {
    const texts = indexedTexts({ ...doc, blank: '  ' }, ['title', 'meta.tags[*]', 'blank', 'title'])
    expect(texts.map((t) => t.field)).toEqual(['title', 'meta.tags[*].0', 'meta.tags[*].1'])
    expect(texts[0]?.sha).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses empty, unbalanced and oversized paths', () => {
    for (const bad of ['', ' ', 'a[0', '{a,b', 'a]', 'x'.repeat(300), '...']) expect(() => checkIndexPath(bad), bad).toThrow(/invalid index path/)
    for (const good of ['$', 'a', 'a.b', 'a[*].b', '{a,b}', 'a[-1]']) expect(() => checkIndexPath(good)).not.toThrow()
  })
})
