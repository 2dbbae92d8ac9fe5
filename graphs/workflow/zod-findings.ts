import type { z } from 'zod'
import { byPosition, dotted, LOAD_RULES, type Finding } from './finding.js'
import type { YamlPath, YamlSource } from './yaml-source.js'

type Issue = z.core.$ZodIssue
type Path = readonly PropertyKey[]

const yamlPath = (p: Path): YamlPath => p.map((s) => (typeof s === 'number' ? s : String(s)))
const isRootTypeMismatch = (branch: readonly Issue[]) =>
  branch.length > 0 && branch.every((i) => i.code === 'invalid_type' && i.path.length === 0)

/**
 * The issues of a union none of whose branches matched, made readable: if every branch failed on
 * the value's type, one "expected a or b"; if exactly one branch got past the type (the author meant
 * that one), that branch's own issues; else zod's generic issue.
 */
function unionIssues(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] {
  const branches = issue.errors
  if (branches.length === 0) return [issue]
  if (branches.every(isRootTypeMismatch)) {
    const expected = [...new Set(branches.flat().map((i) => (i as { expected?: string }).expected ?? 'unknown'))]
    return [{ ...issue, errors: [], message: `expected ${expected.join(' or ')}` }]
  }
  const meant = branches.filter((b) => !isRootTypeMismatch(b))
  if (meant.length !== 1) return [issue]
  return (meant[0] as Issue[]).map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue)
}

function toFindings(issue: Issue, source: YamlSource): Finding[] {
  const finding = (path: Path, message: string, key = false): Finding => {
    const { line, col: nodeCol, textCol } = source.locate(yamlPath(path), { key })
    // an expression's error column, moved from the expression onto the file when the text maps 1:1
    const inner = issue.code === 'custom' ? (issue.params as { column?: unknown } | undefined)?.column : undefined
    const col = typeof inner === 'number' && textCol !== undefined ? textCol + inner - 1 : nodeCol
    return { rule: LOAD_RULES.schema, severity: 'error', message, file: source.file, line, col, path: dotted(path) }
  }
  const missable = issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union'
  if (missable && issue.path.length > 0 && !source.locate(yamlPath(issue.path)).found) {
    return [finding(issue.path, `missing required key '${String(issue.path.at(-1))}'`)]
  }
  if (issue.code === 'invalid_union') {
    const flat = unionIssues(issue)
    if (flat.length === 1 && flat[0] === issue) return [finding(issue.path, issue.message)]
    return flat.flatMap((i) => (i.code === 'invalid_union' && i.errors.length === 0
      ? [finding(i.path, i.message)] : toFindings(i, source)))
  }
  if (issue.code === 'invalid_key') {
    const why = issue.issues.map((i) => i.message).join('; ')
    return [finding(issue.path, `invalid key '${String(issue.path.at(-1))}': ${why}`, true)]
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => finding([...issue.path, k], `unknown key '${k}'`, true))
  }
  return [finding(issue.path, issue.message)]
}

/**
 * zod issues as `schema` findings, each at the deepest node of its path that exists in the file
 * (the key itself for an unknown key), sorted by position.
 */
export const zodFindings = (issues: readonly Issue[], source: YamlSource): Finding[] =>
  issues.flatMap((i) => toFindings(i, source)).sort(byPosition)
