import { create, type Delta } from 'jsondiffpatch'

export type ChangeKind = 'added' | 'removed' | 'changed' | 'moved'

/** One difference between two states, at a path of keys and array indexes. */
export interface Change {
  path: (string | number)[]
  kind: ChangeKind
  before?: unknown
  after?: unknown
}

// message-like items are matched by their id, so an inserted message reads as one addition, not a shift
const patcher = create({
  objectHash: (o: object, i?: number) => {
    const id = (o as { id?: unknown }).id
    return typeof id === 'string' || typeof id === 'number' ? String(id) : `$$index:${i ?? 0}`
  },
  arrays: { detectMove: true, includeValueOnMove: false },
})

type Obj = Record<string, unknown>

function walk(delta: Delta, path: (string | number)[], out: Change[]): void {
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ path, kind: 'added', after: delta[0] })
    else if (delta.length === 2) out.push({ path, kind: 'changed', before: delta[0], after: delta[1] })
    else if (delta.length === 3 && delta[2] === 0) out.push({ path, kind: 'removed', before: delta[0] })
    else if (delta.length === 3 && delta[2] === 3) out.push({ path, kind: 'moved', after: delta[1] })
    return
  }
  if (delta === undefined || delta === null || typeof delta !== 'object') return
  const d = delta as Obj
  if (d._t === 'a') {
    const keys = Object.keys(d).filter((k) => k !== '_t')
    // removals and moves are keyed `_<old index>`, the rest by the new index
    for (const k of keys.filter((k) => k.startsWith('_')).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) walk(d[k] as Delta, [...path, Number(k.slice(1))], out)
    for (const k of keys.filter((k) => !k.startsWith('_')).sort((a, b) => Number(a) - Number(b))) walk(d[k] as Delta, [...path, Number(k)], out)
    return
  }
  for (const k of Object.keys(d).sort()) walk(d[k] as Delta, [...path, k], out)
}

/**
 * What changed from `before` to `after` (parent checkpoint → checkpoint, or one compared with another):
 * every added, removed, changed and moved value with its path, in key order.
 *
 * @example
 * diffStates({ a: 1, b: [1] }, { a: 2, b: [1, 2], c: true })
 * // [{path:['a'],kind:'changed',before:1,after:2}, {path:['b',1],kind:'added',after:2}, {path:['c'],kind:'added',after:true}]
 */
export function diffStates(before: unknown, after: unknown): Change[] {
  const out: Change[] = []
  walk(patcher.diff(before ?? {}, after ?? {}), [], out)
  return out
}

/** The top-level keys that were added, removed or changed (the diff's summary line). */
export function keySummary(before: unknown, after: unknown): { added: string[]; removed: string[]; changed: string[] } {
  const a = (before ?? {}) as Obj
  const b = (after ?? {}) as Obj
  const changes = diffStates(a, b)
  const touched = new Set(changes.map((c) => String(c.path[0])))
  const added = Object.keys(b).filter((k) => !(k in a)).sort()
  const removed = Object.keys(a).filter((k) => !(k in b)).sort()
  const changed = [...touched].filter((k) => k in a && k in b).sort()
  return { added, removed, changed }
}

/** A path as a reader writes it: `messages[2].content`. */
export const pathText = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(the whole state)'
