import { describe, expect, it } from 'vitest'
import { chunkText, DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, firstHeading } from '../../rag/chunk-text.js'
import { isAppError } from '../../store/app-error.js'

const section = (h: string, n: number) =>
  `## ${h}\n\n${Array.from({ length: n }, (_, i) => `Sentence ${i} about ${h.toLowerCase()}.`).join(' ')}`

describe('chunkText', () => {
  it('keeps chunks within size and prefers to cut at headings', async () => {
    const md = `# Doc\n\n${section('Alpha', 8)}\n\n${section('Beta', 8)}\n\n${section('Gamma', 8)}`
    const chunks = await chunkText(md, { chunkSize: 300, chunkOverlap: 0 })
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(300)
    expect(chunks.filter((c) => c.startsWith('## ')).length).toBeGreaterThanOrEqual(2)
    expect(chunks.join(' ')).toContain('Sentence 7 about gamma.')
  })

  it('overlaps neighbouring chunks and drops blank ones', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')
    const chunks = await chunkText(`\r\n\r\n${text}\r\n\r\n`, { chunkSize: 100, chunkOverlap: 30, format: 'text' })
    const tail = chunks[0]?.split(' ').at(-1) ?? ''
    expect(chunks[1]?.split(' ')).toContain(tail)
    expect(chunks.every((c) => c.trim() === c && c !== '')).toBe(true)
    expect(await chunkText(' \n\n ')).toEqual([])
  })

  it('uses ~800/100 by default and validates its settings', async () => {
    expect([DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_OVERLAP]).toEqual([800, 100])
    const long = 'lorem ipsum '.repeat(300)
    for (const c of await chunkText(long)) expect(c.length).toBeLessThanOrEqual(800)
    expect(await chunkText('tiny', { chunkSize: 50 })).toEqual(['tiny']) // default overlap shrinks to fit
    const err = await chunkText('x', { chunkSize: 10, chunkOverlap: 10 }).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('VALIDATION')
  })
})

describe('firstHeading', () => {
  it('finds the first ATX heading outside code fences', () => {
    expect(firstHeading('text\n\n# Title here #\n\n## Sub')).toBe('Title here')
    expect(firstHeading('~~~\n# fenced\n~~~\n### `Code` **bold**')).toBe('Code bold')
    expect(firstHeading('````\n```\n# still fenced\n````\n# Out')).toBe('Out')
    expect(firstHeading('#NoSpace\nplain')).toBeUndefined()
  })
})
