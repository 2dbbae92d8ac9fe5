import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wireJson } from '../../runtime/wire-json.js'

/** What wireJson did before it walked the value itself: a replacer (the reference for the wire shape). */
function byReplacer(value: unknown): string {
  return JSON.stringify(value ?? null, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]
    if (typeof raw === 'object' && raw !== null && 'toDict' in raw && typeof raw.toDict === 'function') {
      const { type, data } = (raw as { toDict(): { type: string; data: object } }).toDict()
      return { ...data, type }
    }
    return v
  })
}

const messages = fc.oneof(
  fc.string().map((s) => new HumanMessage({ content: s, id: 'h1' })),
  fc.string().map((s) => new AIMessage({ content: s, tool_calls: [{ id: 'c1', name: 'search', args: { q: s } }] })),
  fc.string().map((s) => new ToolMessage({ content: s, tool_call_id: 'c1' })),
)
const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }), messages)
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree')), fc.dictionary(fc.string(), tie('tree'))),
}))

describe('wireJson', () => {
  it('writes messages as {...data, type} at any depth, and the rest as JSON.stringify does', () => {
    const state = {
      messages: [new HumanMessage('hi'), new AIMessage({ content: 'yo', tool_calls: [{ id: 'c', name: 't', args: {} }] })],
      nested: { deep: [{ m: new ToolMessage({ content: 'r', tool_call_id: 'c' }) }], at: new Date(0), gone: undefined },
      list: [1, undefined, () => 1, 'x'],
    }
    const out = JSON.parse(wireJson(state)) as { messages: { type: string; content: string }[]; nested: Record<string, unknown>; list: unknown[] }
    expect(out.messages.map((m) => [m.type, m.content])).toEqual([['human', 'hi'], ['ai', 'yo']])
    expect(out.nested).toEqual({ deep: [{ m: expect.objectContaining({ type: 'tool', content: 'r', tool_call_id: 'c' }) }], at: '1970-01-01T00:00:00.000Z' })
    expect(out.list).toEqual([1, null, null, 'x'])
    expect(wireJson(state)).toBe(byReplacer(state))
    expect(wireJson(new HumanMessage('top'))).toBe(byReplacer(new HumanMessage('top')))
    expect(wireJson(undefined)).toBe('null')
  })

  it('leaves the caller\'s value untouched and honours toJSON', () => {
    const m = new HumanMessage('kept')
    const v = { a: [m], b: { toJSON: (k: string) => ({ key: k, inner: m }) } }
    expect(wireJson(v)).toBe(byReplacer(v))
    expect(v.a[0]).toBe(m)
  })

  it('throws on a cycle as JSON.stringify does', () => {
    const a: Record<string, unknown> = { m: new HumanMessage('x') }
    a.self = { back: a }
    expect(() => wireJson(a)).toThrow(TypeError)
  })

  it('matches the replacer on arbitrary values with messages mixed in', () => {
    fc.assert(fc.property(tree, (v) => { expect(wireJson(v)).toBe(byReplacer(v)) }), { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20261204) })
  })

  it('keeps an own "__proto__" key on a copied object (found by the property above, seed 895842859)', () => {
    const v = JSON.parse('{"a":{"m":[{"d":"x"}],"__proto__":false}}') as Record<string, unknown>
    ;((v.a as Record<string, unknown[]>).m as unknown[])[0] = new HumanMessage('x')
    expect(wireJson(v)).toBe(byReplacer(v))
    expect(wireJson(v)).toContain('"__proto__":false')
  })
})
