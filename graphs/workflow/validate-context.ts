import type { Finding, Severity } from './finding.js'
import { dotted } from './finding.js'
import { needsOf, type WorkflowSpec } from './spec-schema.js'
import { collectSites, type Site } from './validate-sites.js'
import { VALIDATION_RULES, type RuleId } from './validate-rules.js'
import type { YamlPath, YamlSource } from './yaml-source.js'

export interface FindingOptions {
  /** Point at the key naming the path instead of its value. */
  readonly key?: boolean
  /** 1-based column inside the string at `path`, mapped onto the file when the string is on one line as written. */
  readonly col?: number
  /** Overrides the rule's default severity. */
  readonly severity?: Severity
}

/** What every rule reads: the parsed spec, where its nodes are, its expressions and its needs graph. */
export interface RuleContext {
  readonly spec: WorkflowSpec
  readonly source: YamlSource
  readonly sites: readonly Site[]
  /** Step id → index in `steps` (the first one; duplicates are a schema error). */
  readonly stepIndex: ReadonlyMap<string, number>
  /** Per step, the indexes of the existing steps it needs directly. */
  readonly needs: readonly (readonly number[])[]
  finding(rule: RuleId, path: YamlPath, message: string, opts?: FindingOptions): Finding
}

/** A rule: a pure function of the context to its findings. */
export type Rule = (ctx: RuleContext) => Finding[]

export function createRuleContext(spec: WorkflowSpec, source: YamlSource): RuleContext {
  const stepIndex = new Map<string, number>()
  spec.steps.forEach((s, i) => { if (!stepIndex.has(s.id)) stepIndex.set(s.id, i) })
  const needs = spec.steps.map((s) => needsOf(s).flatMap((id) => {
    const j = stepIndex.get(id)
    return j === undefined ? [] : [j]
  }))
  return {
    spec, source, stepIndex, needs,
    sites: collectSites(spec),
    finding: (rule, path, message, opts = {}) => {
      const at = source.locate(path, { key: opts.key })
      const col = opts.col !== undefined && at.textCol !== undefined ? at.textCol + opts.col - 1 : at.col
      const severity = opts.severity ?? VALIDATION_RULES[rule].severity
      return { rule, severity, message, file: source.file, line: at.line, col, path: dotted(path) }
    },
  }
}

/** The yaml path of a step's `needs` entry naming `id` (`needs` may be one string or a list). */
export function needPath(spec: WorkflowSpec, step: number, id: string): YamlPath {
  const n = spec.steps[step]?.needs
  return Array.isArray(n) ? ['steps', step, 'needs', Math.max(0, n.indexOf(id))] : ['steps', step, 'needs']
}

/** Indexes of every step `from` needs, directly or through other steps (not `from` itself unless on a cycle). */
export function ancestorsOf(needs: readonly (readonly number[])[], from: number): Set<number> {
  const seen = new Set<number>()
  const stack = [...(needs[from] ?? [])]
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (seen.has(n)) continue
    seen.add(n)
    stack.push(...(needs[n] ?? []))
  }
  return seen
}
