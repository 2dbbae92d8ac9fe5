import { deepEqual } from './expression-functions.js'
import type { CaseExpectation, CaseStatus } from './workflow-test-schema.js'
import type { StepError, StepRecord } from './workflow-state.js'

/** One difference between what a case expected and what the run did; `path` is dotted (`steps.build.outputs.exit_code`). */
export interface TestDiff {
  path: string
  message: string
  expected?: unknown
  actual?: unknown
}

/** What a case's run ended with. */
export interface CaseOutcome {
  status: CaseStatus
  visited: string[]
  outputs: Record<string, unknown>
  error: StepError | null
  steps: Record<string, StepRecord>
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v))

/**
 * Deep partial match: every key of an expected object must match in `actual` (extra keys are
 * fine); arrays match item by item and must have the same length; anything else must be equal
 * (`null` also matches a missing value).
 * @example partialDiffs({ a: { b: 1 } }, { a: { b: 2, c: 3 } }, 'outputs') // [{ path: 'outputs.a.b', expected: 1, actual: 2, … }]
 */
export function partialDiffs(expected: unknown, actual: unknown, path: string): TestDiff[] {
  const at = (k: string | number) => (path === '' ? String(k) : `${path}.${k}`)
  if (isObject(expected)) {
    if (!isObject(actual)) return [{ path, message: `expected an object, got ${show(actual)}`, expected, actual }]
    return Object.entries(expected).flatMap(([k, v]) => partialDiffs(v, Object.hasOwn(actual, k) ? actual[k] : undefined, at(k)))
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, message: `expected a list, got ${show(actual)}`, expected, actual }]
    if (actual.length !== expected.length) {
      return [{ path, message: `expected ${expected.length} items, got ${actual.length}: ${show(actual)}`, expected, actual }]
    }
    return expected.flatMap((v, i) => partialDiffs(v, actual[i], at(i)))
  }
  return deepEqual(expected, actual) ? [] : [{ path, message: `expected ${show(expected)}, got ${show(actual)}`, expected, actual }]
}

function visitedDiffs(e: CaseExpectation, visited: string[]): TestDiff[] {
  const out: TestDiff[] = []
  if (e.visited && !deepEqual(e.visited, visited)) {
    out.push({ path: 'visited', message: `expected [${e.visited.join(', ')}], got [${visited.join(', ')}]`, expected: e.visited, actual: visited })
  }
  const missing = (e.visited_includes ?? []).filter((s) => !visited.includes(s))
  if (missing.length) out.push({ path: 'visited_includes', message: `did not visit ${missing.join(', ')} (visited [${visited.join(', ')}])`, expected: e.visited_includes, actual: visited })
  const extra = (e.not_visited ?? []).filter((s) => visited.includes(s))
  if (extra.length) out.push({ path: 'not_visited', message: `visited ${extra.join(', ')}`, expected: e.not_visited, actual: visited })
  return out
}

function stepDiffs(e: CaseExpectation, steps: Record<string, StepRecord>): TestDiff[] {
  return Object.entries(e.steps ?? {}).flatMap(([id, want]) => {
    const r = steps[id]
    const base = `steps.${id}`
    if (r === undefined) return [{ path: base, message: 'the step did not finish (no record)', expected: want }]
    const why = r.error ? ` (${r.error.code}: ${r.error.message})` : r.skip_reason ? ` (${r.skip_reason})` : ''
    return [
      ...(want.status !== undefined && want.status !== r.status
        ? [{ path: `${base}.status`, message: `expected ${want.status}, got ${r.status}${why}`, expected: want.status, actual: r.status }] : []),
      ...(want.skip_reason !== undefined ? partialDiffs(want.skip_reason, r.skip_reason, `${base}.skip_reason`) : []),
      ...(want.attempts !== undefined ? partialDiffs(want.attempts, r.attempts, `${base}.attempts`) : []),
      ...(want.outputs !== undefined ? partialDiffs(want.outputs, r.outputs, `${base}.outputs`) : []),
      ...(want.error !== undefined ? partialDiffs(want.error, r.error ?? null, `${base}.error`) : []),
    ]
  })
}

/** Every difference between a case's expectation and its outcome (empty: the case passed). */
export function expectationDiffs(e: CaseExpectation, o: CaseOutcome): TestDiff[] {
  const why = o.error ? ` (${o.error.message})` : ''
  return [
    ...(e.status !== undefined && e.status !== o.status
      ? [{ path: 'status', message: `expected ${e.status}, got ${o.status}${why}`, expected: e.status, actual: o.status }] : []),
    ...visitedDiffs(e, o.visited),
    ...(e.outputs !== undefined ? partialDiffs(e.outputs, o.outputs, 'outputs') : []),
    ...(e.error !== undefined ? partialDiffs(e.error, o.error, 'error') : []),
    ...stepDiffs(e, o.steps),
  ]
}
