import { z } from 'zod'
import { valuesAtPath } from '../store/store-index-path.js'

const SEGMENT = /^([^.[\]{}*]+)((?:\[-?\d+\])*)$/

/** `extract` of a thread search: alias → path into the thread (`values.messages[-1].content`); at most 10. */
export const ThreadExtract = z.record(z.string().min(1).max(100), z.string().min(1).max(500).refine(
  (p) => p.split('.').every((s) => SEGMENT.test(s)),
  { message: 'a path of dotted keys with optional [index] suffixes, e.g. values.messages[-1].content' },
)).refine((e) => Object.keys(e).length <= 10, { message: 'at most 10 extracts' }).optional()

/**
 * The value at `path` in `data` (the store's path walker, `store/store-index-path.ts`; this grammar has
 * no wildcards, so there is at most one); null where the path leads nowhere.
 *
 * @example
 * extractPath({ values: { messages: [{ content: 'a' }, { content: 'b' }] } }, 'values.messages[-1].content') // 'b'
 */
export const extractPath = (data: unknown, path: string): unknown => valuesAtPath(data, path)[0] ?? null

/** Adds `extracted` (alias → value read from the whole `thread`) to what a search answers for it (`shown`). */
export const withExtracted = (shown: object, thread: object, extract?: Record<string, string>) =>
  extract && Object.keys(extract).length > 0
    ? { ...shown, extracted: Object.fromEntries(Object.entries(extract).map(([alias, path]) => [alias, extractPath(thread, path)])) }
    : shown
