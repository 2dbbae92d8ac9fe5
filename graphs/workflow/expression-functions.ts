/** Keys never read from a value, whatever it is: the ways out of plain data into the prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Largest string `fromJSON` parses, in characters. */
export const MAX_JSON_LENGTH = 1_000_000
const MAX_EQUAL_DEPTH = 100

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Truthiness of an expression value, as in seed 004's Python conditions: `undefined`, `null`,
 * `false`, `0`, `NaN`, `''`, `[]` and `{}` are false; everything else is true.
 */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0
  if (isRecord(v)) return Object.keys(v).length > 0
  return Boolean(v)
}

/** Structural equality over JSON-like data; `null` equals `undefined`; no coercion between types. */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true
  if (a == null || b == null) return a == null && b == null
  if (depth > MAX_EQUAL_DEPTH) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => deepEqual(x, b[i], depth + 1))
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k], depth + 1))
  }
  return Number.isNaN(a) && Number.isNaN(b)
}

/** Reads one own key of plain data; anything else (prototype keys, missing keys, scalars) is `undefined`. */
export function readKey(value: unknown, key: string | number): unknown {
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) return undefined
  if (Array.isArray(value)) {
    const i = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : NaN
    if (Number.isInteger(i) && i >= 0 && i < value.length) return value[i]
    return key === 'length' ? value.length : undefined
  }
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) {
    return (value as Record<string | number, unknown>)[key]
  }
  return undefined
}

/** `needle in haystack`: an element of an array, a substring of a string, an own key of an object. */
export function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.some((x) => deepEqual(x, needle))
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle)
  if (isRecord(haystack)) return typeof needle === 'string' && !FORBIDDEN_KEYS.has(needle) && Object.hasOwn(haystack, needle)
  return false
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
function tryJson<T>(f: () => T): T | undefined {
  try { return f() } catch { return undefined }
}

interface Fn { readonly min: number; readonly max: number; readonly call: (...args: unknown[]) => unknown }

/**
 * The fixed functions an expression may call. None throws: a wrong type yields `undefined`/`false`/`0`.
 * - `len(x)`: characters of a string, items of an array, keys of an object, else 0
 * - `empty(x)`: `undefined`/`null`, a blank string, `[]` or `{}` (numbers and booleans are never empty)
 * - `contains(a, b)`: same as `b in a`
 * - `startsWith(s, p)`, `endsWith(s, p)`: string prefix/suffix test
 * - `lower(s)`, `upper(s)`, `trim(s)`: string case and whitespace
 * - `join(list, sep = ',')`: the items of a list as one string
 * - `toJSON(x)`: compact JSON text; `fromJSON(s)`: the parsed value, `undefined` if `s` is not JSON
 */
export const FUNCTIONS: ReadonlyMap<string, Fn> = new Map<string, Fn>([
  ['len', { min: 1, max: 1, call: (x) =>
    typeof x === 'string' || Array.isArray(x) ? x.length : isRecord(x) ? Object.keys(x).length : 0 }],
  ['empty', { min: 1, max: 1, call: (x) =>
    x == null || (typeof x === 'string' ? x.trim() === '' : (Array.isArray(x) || isRecord(x)) && !truthy(x)) }],
  ['contains', { min: 2, max: 2, call: (a, b) => contains(a, b) }],
  ['startsWith', { min: 2, max: 2, call: (s, p) => typeof s === 'string' && typeof p === 'string' && s.startsWith(p) }],
  ['endsWith', { min: 2, max: 2, call: (s, p) => typeof s === 'string' && typeof p === 'string' && s.endsWith(p) }],
  ['lower', { min: 1, max: 1, call: (s) => str(s)?.toLowerCase() }],
  ['upper', { min: 1, max: 1, call: (s) => str(s)?.toUpperCase() }],
  ['trim', { min: 1, max: 1, call: (s) => str(s)?.trim() }],
  ['join', { min: 1, max: 2, call: (xs, sep = ',') =>
    Array.isArray(xs) ? xs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? '')).join(String(sep)) : undefined }],
  ['toJSON', { min: 1, max: 1, call: (x) => tryJson(() => JSON.stringify(x)) }],
  ['fromJSON', { min: 1, max: 1, call: (s) =>
    typeof s === 'string' && s.length <= MAX_JSON_LENGTH ? tryJson(() => JSON.parse(s) as unknown) : undefined }],
])
