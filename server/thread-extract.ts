import { z } from 'zod'

const SEGMENT = /^([^.[\]]+)((?:\[-?\d+\])*)$/

/** `extract` of a thread search: alias → path into the thread (`values.messages[-1].content`); at most 10. */
export const ThreadExtract = z.record(z.string().min(1).max(100), z.string().min(1).max(500).refine(
  (p) => p.split('.').every((s) => SEGMENT.test(s)),
  { message: 'a path of dotted keys with optional [index] suffixes, e.g. values.messages[-1].content' },
)).refine((e) => Object.keys(e).length <= 10, { message: 'at most 10 extracts' }).optional()

/**
 * The value at `path` in `data`: keys separated by dots, array indexes in brackets (negative ones count
 * from the end); null where the path leads nowhere.
 *
 * @example
 * extractPath({ values: { messages: [{ content: 'a' }, { content: 'b' }] } }, 'values.messages[-1].content') // 'b'
 */
export function extractPath(data: unknown, path: string): unknown {
  let cur: unknown = data
  for (const segment of path.split('.')) {
    const m = SEGMENT.exec(segment)
    if (!m) return null
    cur = cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, m[1]!) ? (cur as Record<string, unknown>)[m[1]!] : undefined
    for (const [, n] of m[2]!.matchAll(/\[(-?\d+)\]/g)) {
      if (!Array.isArray(cur)) return null
      const i = Number(n)
      cur = cur[i < 0 ? cur.length + i : i]
    }
    if (cur === undefined) return null
  }
  return cur
}

/** Adds `extracted` (alias → value read from the whole `thread`) to what a search answers for it (`shown`). */
export const withExtracted = (shown: object, thread: object, extract?: Record<string, string>) =>
  extract && Object.keys(extract).length > 0
    ? { ...shown, extracted: Object.fromEntries(Object.entries(extract).map(([alias, path]) => [alias, extractPath(thread, path)])) }
    : shown
