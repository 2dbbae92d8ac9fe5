/**
 * The workflow validator behind `switchyard validate`: the loader's YAML and schema findings, then
 * the semantic rules of {@link VALIDATION_RULES} over the parsed spec.
 *
 * When the file does not load (YAML or schema errors) only the loader's findings are returned:
 * the rules read the typed spec, and guessing at a half-parsed one would pile consequences on the
 * real error. Schema findings about expression syntax are reported under `invalid-expression`.
 */
import { byPosition, LOAD_RULES, type Finding } from './finding.js'
import { createRuleContext, type Rule } from './validate-context.js'
import { loadWorkflowFile, loadWorkflowText, type LoadResult } from './yaml-source.js'
import { invalidWith } from './rules/invalid-with.js'
import { needsCycle, unknownNeed, unreachable } from './rules/needs-rules.js'
import { outputNotProduced } from './rules/output-rules.js'
import { parallelHint } from './rules/parallel-hint.js'
import { plaintextSecret } from './rules/plaintext-secret.js'
import { invalidTemplate, undefinedVariable, unknownStepRef } from './rules/reference-rules.js'
import { riskyShell } from './rules/risky-shell.js'
import { unsupported } from './rules/unsupported.js'

export { VALIDATION_RULES, type RuleId } from './validate-rules.js'
export type { Finding, Severity } from './finding.js'

/** The semantic rules, run in this order on a workflow that loaded. */
export const SEMANTIC_RULES: readonly Rule[] = [
  unknownNeed, unknownStepRef, needsCycle, unreachable, outputNotProduced, undefinedVariable,
  invalidWith, invalidTemplate, riskyShell, plaintextSecret, unsupported, parallelHint,
]

const EXPRESSION_MESSAGE = 'invalid expression: '

const relabel = (f: Finding): Finding =>
  (f.rule === LOAD_RULES.schema && f.message.startsWith(EXPRESSION_MESSAGE) ? { ...f, rule: 'invalid-expression' } : f)

const byPositionThenRule = (a: Finding, b: Finding) => byPosition(a, b) || a.rule.localeCompare(b.rule)

function validateLoaded(r: LoadResult): Finding[] {
  if (!r.ok) return r.findings.map(relabel).sort(byPositionThenRule)
  const ctx = createRuleContext(r.spec, r.source)
  return [...r.warnings, ...SEMANTIC_RULES.flatMap((rule) => rule(ctx))].sort(byPositionThenRule)
}

/**
 * Every finding about a workflow's YAML text, sorted by position. Never throws for a bad workflow.
 * @example validateWorkflowText('name: x\nsteps: [{ id: a, type: shell, needs: b, with: { run: [ls] } }]\n', 'wf.yaml')
 * // [{ rule: 'unknown-need', severity: 'error', line: 2, col: 40, path: 'steps.0.needs', … }]
 */
export const validateWorkflowText = (text: string, file: string): Finding[] => validateLoaded(loadWorkflowText(text, file))

/** Reads and validates a workflow file; an unreadable file is one `io` finding. */
export const validateWorkflowFile = async (path: string): Promise<Finding[]> => validateLoaded(await loadWorkflowFile(path))

/** Whether any finding is an error (what makes `switchyard validate` exit 1). */
export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error')
