import type { z } from 'zod'
import { isExecutorStepType, parseStepParams } from '../../../agents/steps/registry.js'
import { isAppError } from '../../../store/app-error.js'
import { dotted } from '../finding.js'
import { isTemplate } from '../spec-schema.js'
import type { Rule } from '../validate-context.js'
import { zodFindings } from '../zod-findings.js'

type Issue = z.core.$ZodIssue
type StepType = Parameters<typeof parseStepParams>[0]

/** Types a rendered template (always a string) can never become, so a mismatch stays an error. */
const STRUCTURED = new Set(['array', 'object', 'record', 'tuple', 'map', 'set'])
/** Rounds of stand-ins before giving up: each round can only reveal issues of fields nested deeper. */
const MAX_ROUNDS = 4

const isRecord = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === 'object' && v !== null
const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (isRecord(v) && Object.hasOwn(v, k) ? v[k] : undefined), root)
function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1))
  if (isRecord(parent) && path.length > 0) parent[path.at(-1) as PropertyKey] = value
}

/**
 * Whether an issue is about a value only known once rendered: a Liquid template where the schema
 * wants a number, a boolean, an enum value, a URL or a duration. The compiler renders first and
 * parses after, so these are checked at run time; a template where a list or a mapping is wanted is
 * an error now (rendering yields a string).
 */
function deferred(issue: Issue, block: unknown): boolean {
  const v = valueAt(block, issue.path)
  if (typeof v !== 'string' || !isTemplate(v) || issue.code === 'custom') return false
  return issue.code !== 'invalid_type' || !STRUCTURED.has(issue.expected)
}

/** A value of the wanted type standing in for a template, so the checks behind it (refinements) still run. */
function standIn(issue: Issue): unknown {
  if (issue.code === 'invalid_type' && issue.expected === 'boolean') return false
  if (issue.code === 'invalid_value') return issue.values[0]
  if (issue.code === 'invalid_format') return issue.format === 'url' ? 'https://example.invalid/' : 'x'
  return 1
}

const parseIssues = (type: StepType, block: unknown): Issue[] => {
  try {
    parseStepParams(type, block)
    return []
  } catch (e) {
    const issues = isAppError(e) ? (e.details?.issues as Issue[] | undefined) : undefined
    if (issues === undefined) throw e
    return issues
  }
}

/** The issues of a `with` block once every templated value the schema cannot judge yet is stood in for. */
function issuesOf(type: StepType, withBlock: unknown): Issue[] {
  const block: unknown = structuredClone(withBlock ?? {})
  const stood = new Set<string>()
  let issues = parseIssues(type, block)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const later = issues.filter((i) => deferred(i, block))
    if (later.length === 0) break
    for (const i of later) { setAt(block, i.path, standIn(i)); stood.add(dotted(i.path)) }
    issues = parseIssues(type, block)
  }
  return issues.filter((i) => !stood.has(dotted(i.path)) && !deferred(i, block))
}

/**
 * `invalid-with`: the `with` of a shell, template, webhook or assert step fits its executor's
 * parameter schema (`parseStepParams`), apart from templated values that only rendering decides.
 * Agent, human and workflow steps are built by the compiler and not checked here.
 */
export const invalidWith: Rule = (ctx) => ctx.spec.steps.flatMap((s, i) => {
  if (!isExecutorStepType(s.type)) return []
  const issues = issuesOf(s.type, s.with).map((issue) => ({ ...issue, path: ['steps', i, 'with', ...issue.path] }) as Issue)
  return zodFindings(issues, ctx.source).map((f) => ({ ...f, rule: 'invalid-with', message: `${s.type} step '${s.id}': ${f.message}` }))
})
