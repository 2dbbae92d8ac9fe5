/**
 * A finding about a workflow file: a YAML syntax error, a schema error, or (from the validator) a
 * rule it breaks. Positions are 1-based; `path` is the dotted path of the node (`steps.3.with.command`),
 * empty for the whole file.
 */
export type Severity = 'error' | 'warning' | 'info'
export interface Finding {
  readonly rule: string
  readonly severity: Severity
  readonly message: string
  readonly file: string
  readonly line: number
  readonly col: number
  readonly path: string
}

/** Rule ids of the findings made while loading: YAML syntax, the zod schema, reading the file. */
export const LOAD_RULES = { yaml: 'yaml', schema: 'schema', io: 'io' } as const

/**
 * One finding as one line, the way compilers print: `file:line:col: severity rule: message (path)`.
 * @example formatFinding(f) // 'wf.yaml:4:11: error schema: unknown key "comand" (steps.0.with)'
 */
export const formatFinding = (f: Finding): string =>
  `${f.file}:${f.line}:${f.col}: ${f.severity} ${f.rule}: ${f.message}${f.path === '' ? '' : ` (${f.path})`}`

/** Sorts by file, line, column: the order a reader scans a file in. */
export const byPosition = (a: Finding, b: Finding): number =>
  a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col

/** Dotted form of a path: `['steps', 3, 'with']` → `steps.3.with`. */
export const dotted = (path: readonly PropertyKey[]): string => path.map(String).join('.')
