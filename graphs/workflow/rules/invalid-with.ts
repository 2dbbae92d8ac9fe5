import type { z } from 'zod'
import { isExecutorStepType, parseStepParams } from '../../../agents/steps/registry.js'
import { isAppError } from '../../../store/app-error.js'
import { isTemplate } from '../spec-schema.js'
import type { Rule } from '../validate-context.js'
import { zodFindings } from '../zod-findings.js'

type Issue = z.core.$ZodIssue

/** Types a rendered template (always a string) can never become, so a mismatch stays an error. */
const STRUCTURED = new Set(['array', 'object', 'record', 'tuple', 'map', 'set'])

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown => path.reduce<unknown>((v, k) =>
  (typeof v === 'object' && v !== null && Object.hasOwn(v, k) ? (v as Record<PropertyKey, unknown>)[k] : undefined), root)

/**
 * Whether an issue is about a value only known once rendered: a Liquid template where the schema
 * wants a number, a boolean, an enum value, a URL or a duration. The compiler renders first and
 * parses after, so these are checked at run time; a template where a list or a mapping is wanted,
 * and the schema's own cross-field checks (`custom`), are reported now.
 */
function deferred(issue: Issue, withBlock: unknown): boolean {
  const v = valueAt(withBlock, issue.path)
  if (typeof v !== 'string' || !isTemplate(v)) return false
  if (issue.code === 'custom') return false
  if (issue.code === 'invalid_type') return !STRUCTURED.has(issue.expected)
  return true
}

/** The zod issues of a `with` block, or none when it fits. */
function issuesOf(type: Parameters<typeof parseStepParams>[0], withBlock: unknown): Issue[] {
  try {
    parseStepParams(type, withBlock)
    return []
  } catch (e) {
    const issues = isAppError(e) ? (e.details?.issues as Issue[] | undefined) : undefined
    if (issues === undefined) throw e
    return issues
  }
}

/**
 * `invalid-with`: the `with` of a shell, template, webhook or assert step fits its executor's
 * parameter schema (`parseStepParams`), apart from templated values that only rendering decides.
 * Agent, human and workflow steps are built by the compiler and not checked here.
 */
export const invalidWith: Rule = (ctx) => ctx.spec.steps.flatMap((s, i) => {
  if (!isExecutorStepType(s.type)) return []
  const issues = issuesOf(s.type, s.with)
    .filter((issue) => !deferred(issue, s.with))
    .map((issue) => ({ ...issue, path: ['steps', i, 'with', ...issue.path] }) as Issue)
  return zodFindings(issues, ctx.source).map((f) => ({ ...f, rule: 'invalid-with', message: `${s.type} step '${s.id}': ${f.message}` }))
})
