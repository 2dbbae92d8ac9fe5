interface Dictable { toDict(): { type: string; data: Record<string, unknown> } }
const isDictable = (v: unknown): v is Dictable =>
  typeof v === 'object' && v !== null && 'toDict' in v && typeof v.toDict === 'function'

const hasToJSON = (v: object): v is { toJSON(key: string): unknown } => typeof (v as { toJSON?: unknown }).toJSON === 'function'

/**
 * `v` with every LangChain message (anything with `toDict`) replaced by `{...data, type}`, copying only
 * the objects and arrays on the way to one: a value without messages comes back as it is (the same
 * object), so JSON.stringify takes V8's fast path over it. Objects with `toJSON` are replaced by its
 * result first, as JSON.stringify does. `ancestors` stops at a cycle, leaving JSON.stringify to throw.
 */
function prepared(v: unknown, key: string, ancestors: Set<object>): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (isDictable(v)) {
    const { type, data } = v.toDict()
    return prepared({ ...data, type }, key, ancestors)
  }
  if (hasToJSON(v)) {
    const j = v.toJSON(key)
    return j === v ? v : prepared(j, key, ancestors)
  }
  if (ancestors.has(v)) return v
  ancestors.add(v)
  let copy: Record<string, unknown> | unknown[] | undefined
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i]
      const p = prepared(item, String(i), ancestors)
      if (p !== item && copy === undefined) copy = v.slice(0, i)
      if (copy !== undefined) (copy as unknown[])[i] = p
    }
  } else {
    const keys = Object.keys(v)
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      const item = (v as Record<string, unknown>)[k]
      const p = prepared(item, k, ancestors)
      if (p !== item && copy === undefined) {
        // a null prototype, so that an own "__proto__" key stays a key (on {} assigning it sets the prototype)
        copy = Object.create(null) as Record<string, unknown>
        for (let j = 0; j < i; j++) copy[keys[j]!] = (v as Record<string, unknown>)[keys[j]!]
      }
      if (copy !== undefined) (copy as Record<string, unknown>)[k] = p
    }
  }
  ancestors.delete(v)
  return copy ?? v
}

/**
 * JSON as the Platform API sends it: LangChain messages (anything with `toDict`) become `{...data, type}`,
 * Dates ISO strings, everything else as JSON.stringify does. (No replacer function: one makes
 * JSON.stringify call back into JS for every key, 2–4× slower on large states such as a thread's history.)
 */
export function wireJson(value: unknown): string {
  return JSON.stringify(prepared(value ?? null, '', new Set()))
}
