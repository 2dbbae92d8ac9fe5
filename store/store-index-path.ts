// A port of LangGraph's store path helpers (langgraph-checkpoint src/store/utils.ts, the ones its
// InMemoryStore indexes with). The package exports only a simpler `getTextAtPath` (dotted keys and
// string leaves), so an index over `{a,b}`, `[-1]` or a non-string leaf would differ from LangGraph's.

/**
 * Splits an index path into tokens: keys, `[i]`/`[*]` indexes and `{a,b}` multi-field groups.
 *
 * @example
 * tokenizeIndexPath('chapters[*].content') // ['chapters', '[*]', 'content']
 */
export function tokenizeIndexPath(path: string): string[] {
  const tokens: string[] = []
  let current = ''
  let i = 0
  while (i < path.length) {
    const ch = path[i]!
    if (ch === '[' || ch === '{') {
      if (current) tokens.push(current)
      current = ''
      const close = ch === '[' ? ']' : '}'
      let depth = 0
      let group = ''
      do {
        const c = path[i]!
        if (c === ch) depth += 1
        if (c === close) depth -= 1
        group += c
        i += 1
      } while (i < path.length && depth > 0)
      tokens.push(group)
      continue
    }
    if (ch === '.') {
      if (current) tokens.push(current)
      current = ''
    } else current += ch
    i += 1
  }
  if (current) tokens.push(current)
  return tokens
}

const asText = (v: unknown): string[] => {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return [String(v)]
  if (v === null || v === undefined || typeof v !== 'object') return []
  return [JSON.stringify(v, null, 2)]
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function walk(obj: unknown, tokens: string[], pos: number): string[] {
  if (pos >= tokens.length) return asText(obj)
  const token = tokens[pos]!
  const out: string[] = []
  if (token.startsWith('[') && token.endsWith(']')) {
    if (!Array.isArray(obj)) return []
    const index = token.slice(1, -1)
    if (index === '*') for (const item of obj) out.push(...walk(item, tokens, pos + 1))
    else {
      let idx = Number.parseInt(index, 10)
      if (idx < 0) idx += obj.length
      if (idx >= 0 && idx < obj.length) out.push(...walk(obj[idx], tokens, pos + 1))
    }
  } else if (token.startsWith('{') && token.endsWith('}')) {
    if (!isObject(obj)) return []
    for (const field of token.slice(1, -1).split(',').map((f) => f.trim())) {
      let cur: unknown = obj
      for (const key of tokenizeIndexPath(field)) cur = isObject(cur) && key in cur ? cur[key] : undefined
      if (cur !== undefined) out.push(...asText(cur))
    }
  } else if (token === '*') {
    if (isObject(obj)) for (const v of Array.isArray(obj) ? obj : Object.values(obj)) out.push(...walk(v, tokens, pos + 1))
  } else if (isObject(obj) && !Array.isArray(obj) && Object.hasOwn(obj, token)) {
    out.push(...walk(obj[token], tokens, pos + 1))
  }
  return out
}

/**
 * The texts at `path` in `value`, as LangGraph's stores index them: `$` is the whole value as JSON
 * (2-space indent), a string/number/boolean leaf its text, an object or array leaf its JSON; `[*]`
 * and `*` fan out, `[-1]` counts from the end, `{a,b.c}` picks several fields.
 *
 * @example
 * textsAtPath({ tags: ['a', 'b'], meta: { title: 'T' } }, 'tags[*]') // ['a', 'b']
 */
export function textsAtPath(value: unknown, path: string): string[] {
  if (!path || path === '$') return [JSON.stringify(value, null, 2)]
  return walk(value, tokenizeIndexPath(path), 0)
}
