import { readFile, stat } from 'node:fs/promises'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml'
import { dotted, LOAD_RULES, type Finding, type Severity } from './finding.js'
import { WorkflowSpec } from './spec-schema.js'
import { zodFindings } from './zod-findings.js'

export { byPosition, dotted, formatFinding, LOAD_RULES, type Finding, type Severity } from './finding.js'

/** Largest workflow file read, in bytes: a workflow is a page or two, not a data set. */
export const MAX_WORKFLOW_BYTES = 1_000_000
/** Aliases expanded at most this many times (the "billion laughs" guard of the `yaml` package). */
const MAX_ALIAS_COUNT = 100

export type YamlPath = readonly (string | number)[]
export interface Position { readonly line: number; readonly col: number }
export interface Located extends Position {
  /** Whether the whole path exists; if not, the position is that of its deepest existing node. */
  readonly found: boolean
  /**
   * For a one-line scalar written exactly as its value (plain, or quoted without escapes): the
   * column of the value's first character, so a column inside the value maps onto the file.
   */
  readonly textCol?: number
}

/** A parsed YAML file that still knows where every node came from. */
export interface YamlSource {
  readonly file: string
  /** The plain JS value (`undefined` when the YAML has errors). */
  readonly value: unknown
  /** YAML syntax errors and warnings, each with its own position. */
  readonly findings: readonly Finding[]
  /**
   * Where a path is in the file: the value's node, or with `key: true` the key naming it.
   * @example source.locate(['steps', 3, 'with', 'command']) // { line: 27, col: 16, found: true }
   */
  locate(path: YamlPath, opts?: { key?: boolean }): Located
}

/** Parses YAML text with its source positions (a `parseDocument` CST, not just a value). */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const at = (offset: number | undefined): Position => {
    const p = lines.linePos(offset ?? 0)
    return { line: p.line, col: p.col }
  }
  const finding = (e: YAMLError, severity: Severity): Finding =>
    ({ rule: LOAD_RULES.yaml, severity, message: e.message, file, ...at(e.pos[0]), path: '' })
  const findings = [...doc.errors.map((e) => finding(e, 'error')), ...doc.warnings.map((e) => finding(e, 'warning'))]
  let value: unknown
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
    } catch (e) {
      findings.push({ rule: LOAD_RULES.yaml, severity: 'error', message: (e as Error).message, file, line: 1, col: 1, path: '' })
    }
  }
  return {
    file, value, findings,
    locate: (path, opts = {}) => {
      const { offset, found, node } = walk(doc, path, opts.key === true)
      const pos = { ...at(offset), found }
      if (opts.key === true || !isScalar(node) || typeof node.value !== 'string' || !node.range) return pos
      const [start, end] = node.range
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'
      const raw = quoted ? text.slice(start + 1, end - 1) : text.slice(start, end)
      return raw === node.value && !raw.includes('\n') ? { ...pos, textCol: pos.col + (quoted ? 1 : 0) } : pos
    },
  }
}

/** Follows `path` through maps and sequences; stops at the deepest node that exists. */
interface Walked { offset: number | undefined; found: boolean; node: unknown }
function walk(doc: Document, path: YamlPath, wantKey: boolean): Walked {
  let node: unknown = doc.contents
  let offset = rangeStart(node)
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc)
    let next: unknown
    let keyOffset: number | undefined
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) return { offset, found: false, node }
      keyOffset = rangeStart(pair.key)
      next = pair.value
    } else if (isSeq(node) && Number.isInteger(Number(seg))) {
      next = node.items[Number(seg)]
      if (next === undefined) return { offset, found: false, node }
    } else {
      return { offset, found: false, node }
    }
    const last = i === path.length - 1
    // an empty value (`key:`) has no node of its own: point at its key
    const valueOffset = isScalar(next) && next.value === null ? undefined : rangeStart(next)
    offset = (last && wantKey ? keyOffset : valueOffset ?? keyOffset) ?? offset
    node = next
  }
  return { offset, found: true, node }
}

const rangeStart = (n: unknown): number | undefined =>
  typeof n === 'object' && n !== null && 'range' in n && Array.isArray(n.range) ? (n.range[0] as number) : undefined

export type LoadResult =
  | { readonly ok: true; readonly spec: WorkflowSpec; readonly source: YamlSource; readonly warnings: readonly Finding[] }
  | { readonly ok: false; readonly findings: readonly Finding[] }

const tooLarge = (file: string): LoadResult => ({
  ok: false,
  findings: [{ rule: LOAD_RULES.yaml, severity: 'error', message: `file larger than ${MAX_WORKFLOW_BYTES} bytes`, file, line: 1, col: 1, path: '' }],
})

/**
 * Parses and checks a workflow's YAML text: the spec, or every YAML and schema finding with its
 * `file:line:col`. Never throws for a bad file.
 */
export function loadWorkflowText(text: string, file: string): LoadResult {
  if (Buffer.byteLength(text) > MAX_WORKFLOW_BYTES) return tooLarge(file)
  const source = parseYamlSource(text, file)
  const errors = source.findings.filter((f) => f.severity === 'error')
  if (errors.length > 0) return { ok: false, findings: source.findings }
  if (source.value == null) {
    return { ok: false, findings: [{ rule: LOAD_RULES.schema, severity: 'error', message: 'empty workflow: expected a mapping with name and steps', file, line: 1, col: 1, path: '' }] }
  }
  const parsed = WorkflowSpec.safeParse(source.value)
  if (!parsed.success) return { ok: false, findings: [...source.findings, ...zodFindings(parsed.error.issues, source)] }
  return { ok: true, spec: parsed.data, source, warnings: source.findings }
}

/** Reads and loads a workflow file; an unreadable file is one `io` finding, not a throw. */
export async function loadWorkflowFile(path: string): Promise<LoadResult> {
  let text: string
  try {
    // a stray huge file is refused before it is read, not after
    const { size } = await stat(path)
    if (size > MAX_WORKFLOW_BYTES) return tooLarge(path)
    text = await readFile(path, 'utf8')
  } catch (e) {
    const message = `cannot read workflow: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    return { ok: false, findings: [{ rule: LOAD_RULES.io, severity: 'error', message, file: path, line: 1, col: 1, path: dotted([]) }] }
  }
  return loadWorkflowText(text, path)
}
