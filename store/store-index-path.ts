// Index paths of the long-term store, with the meaning LangGraph's stores give them (so an item embeds
// the same texts here as there): `$` is the whole value, `a.b` keys, `[2]` / `[-1]` array positions,
// `[*]` and `*` every element, `{a,b.c}` several fields at once.

const TOKEN = /\[[^\]]*\]|\{[^}]*\}|[^.[{]+/g

/**
 * Splits an index path into its tokens: keys, bracketed positions and brace groups.
 *
 * @example
 * tokenizeIndexPath('chapters[*].content') // ['chapters', '[*]', 'content']
 */
export function tokenizeIndexPath(path: string): string[] {
  return [...path.matchAll(TOKEN)].map((m) => m[0])
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isRecord = (v: unknown): v is Record<string, unknown> => isObject(v) && !Array.isArray(v)

/** The text(s) a matched value contributes: scalars as written, objects and arrays as indented JSON, nothing for null. */
function leafTexts(v: unknown): string[] {
  if (v === null || v === undefined) return []
  if (typeof v === 'object') return [JSON.stringify(v, null, 2)]
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : []
}

/** The values one token leads to from `node` (none when the token does not apply to it). */
function follow(node: unknown, token: string): unknown[] {
  if (token === '*') return isObject(node) ? Object.values(node) : []
  if (token.startsWith('[')) {
    if (!Array.isArray(node)) return []
    const inner = token.slice(1, -1)
    if (inner === '*') return [...node]
    const n = Number.parseInt(inner, 10)
    const at = n < 0 ? node.length + n : n
    return Number.isInteger(at) && at >= 0 && at < node.length ? [node[at]] : []
  }
  return isRecord(node) && Object.hasOwn(node, token) ? [node[token]] : []
}

/** A dotted field of a brace group, read from one object (undefined when absent). */
function field(node: Record<string, unknown>, path: string): unknown {
  let cur: unknown = node
  for (const key of tokenizeIndexPath(path)) cur = isRecord(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined
  return cur
}

/**
 * The texts at `path` in `value`. A brace group ends the path: each of its fields present in the
 * objects reached gives its text.
 *
 * @example
 * textsAtPath({ tags: ['a', 'b'], meta: { title: 'T' } }, 'tags[*]') // ['a', 'b']
 */
export function textsAtPath(value: unknown, path: string): string[] {
  if (!path || path === '$') return [JSON.stringify(value, null, 2)]
  return valuesAtPath(value, path).flatMap(leafTexts)
}

/**
 * The values `path` leads to in `value` (own keys only; `[-1]` from the end; `[*]` and `*` fan out; a
 * brace group ends the path with each present field's value): what {@link textsAtPath} turns into texts.
 *
 * @example
 * valuesAtPath({ messages: [{ content: 'a' }, { content: 'b' }] }, 'messages[-1].content') // ['b']
 */
export function valuesAtPath(value: unknown, path: string): unknown[] {
  let nodes: unknown[] = [value]
  for (const token of tokenizeIndexPath(path)) {
    if (token.startsWith('{')) {
      const fields = token.slice(1, -1).split(',').map((f) => f.trim())
      return nodes.filter(isRecord).flatMap((n) => fields.map((f) => field(n, f)).filter((v) => v !== undefined))
    }
    nodes = nodes.flatMap((n) => follow(n, token))
  }
  return nodes
}
