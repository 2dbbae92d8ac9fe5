import { ToolMessage } from '@langchain/core/messages'
import { describe, expect, it } from 'vitest'
import { createRetrieverTool, formatHits } from '../../agents/retriever-tool.js'
import type { DocHit, DocSearch } from '../../agents/retriever-tool.js'

const hit = (i: number, chunk: string): DocHit => ({ id: i, docId: 10 + i, title: `Doc ${i}`, chunk, score: 1 / i, source: `docs/${i}.md` })

describe('search_docs tool', () => {
  const calls: { query: string; k?: number }[] = []
  const docs: DocSearch = {
    search: async (query, opts) => {
      calls.push({ query, k: opts?.k })
      return query === 'nothing' ? [] : [hit(1, 'Checkpoints  are\nwritten every step.'), hit(2, 'x '.repeat(500))]
    },
  }
  const search = createRetrieverTool(docs, { k: 2 })

  it('numbers hits from 1 and returns them as the artifact of a tool call', async () => {
    const msg: unknown = await search.invoke({ type: 'tool_call', id: 't1', name: 'search_docs', args: { query: 'durability' } })
    expect(ToolMessage.isInstance(msg)).toBe(true)
    const tm = msg as ToolMessage
    expect(search.name).toBe('search_docs')
    expect(calls.at(-1)).toEqual({ query: 'durability', k: 2 })
    const lines = tm.text.split('\n')
    expect(lines.slice(0, 2)).toEqual(['[1] Doc 1 (docs/1.md)', 'Checkpoints are written every step.'])
    expect(lines[3]).toBe('[2] Doc 2 (docs/2.md)')
    expect(lines[4]?.length).toBeLessThanOrEqual(601)
    expect((tm.artifact as DocHit[]).map((h) => h.docId)).toEqual([11, 12])
  })

  it('says so when nothing matched', async () => {
    expect(await search.invoke({ query: 'nothing' })).toBe('No documents matched.')
    expect(formatHits([])).toBe('No documents matched.')
  })
})
