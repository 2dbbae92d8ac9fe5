import { z } from 'zod'
import { AppError } from '../../store/app-error.js'

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
type Unit = keyof typeof UNIT_MS

/** Longest duration accepted anywhere in a workflow (a cache `ttl` of a year is already generous). */
export const MAX_DURATION_MS = 366 * UNIT_MS.d

/** One or more `<number><unit>` parts, units `ms s m h d`: `500ms`, `30s`, `5m`, `1h30m`, `1.5h`. */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$'
const DURATION_RE = new RegExp(DURATION_PATTERN)
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g

/**
 * Milliseconds of a workflow duration: a number of seconds or a string such as `"30s"`, `"5m"`,
 * `"1h30m"`, `"250ms"`. Throws `AppError('VALIDATION')` for anything else, negative or past a year.
 * @example parseDuration('1m30s') // 90000
 * @example parseDuration(2.5)     // 2500
 */
export function parseDuration(d: number | string): number {
  let ms: number
  if (typeof d === 'number') {
    ms = d * 1_000
  } else if (DURATION_RE.test(d.trim())) {
    ms = 0
    for (const [, n, unit] of d.trim().matchAll(PART_RE)) ms += Number(n) * UNIT_MS[unit as Unit]
  } else {
    throw new AppError('VALIDATION', `invalid duration '${d}': use seconds (30) or a string like 30s, 5m, 1h30m, 250ms`)
  }
  if (!Number.isFinite(ms) || ms < 0) throw new AppError('VALIDATION', `invalid duration ${String(d)}: must be ≥ 0`)
  if (ms > MAX_DURATION_MS) throw new AppError('VALIDATION', `duration ${String(d)} is longer than 366 days`)
  return Math.round(ms)
}

const fits = (d: number | string): boolean => {
  try { parseDuration(d); return true } catch { return false }
}

/**
 * A duration as written in a workflow (seconds, or `30s`/`5m`/`1h`…), kept as written:
 * consumers call {@link parseDuration} for milliseconds.
 */
export const Duration = z
  .union([
    z.number().nonnegative().max(MAX_DURATION_MS / 1_000).describe('seconds'),
    z.string().regex(DURATION_RE, 'a duration like 30s, 5m, 1h30m or 250ms'),
  ])
  // only a well-formed string can still be too long; don't pile a second issue on a malformed one
  .refine(fits, { message: 'a duration of at most 366 days', when: (p) => p.issues.length === 0 })
  .describe('A duration: seconds as a number, or a string like "30s", "5m", "1h30m", "250ms"')
export type Duration = z.infer<typeof Duration>
