import { Liquid } from 'liquidjs'
import { AppError } from '../../store/app-error.js'

/**
 * A liquidjs engine for workflow templates: undefined variables and unknown filters are errors,
 * only own properties are readable (no `x.constructor`), and `templates: {}` replaces the file
 * system, so `{% include %}`, `{% render %}` and `{% layout %}` find nothing and never read disk.
 * `lenientIf` keeps `{% if inputs.optional %}` and `| default:` usable on optional values.
 * The limits bound what a hostile template can cost (characters parsed, render time, allocations).
 */
export function createLiquid(): Liquid {
  return new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    lenientIf: true,
    templates: {},
    relativeReference: false,
    parseLimit: 1_000_000,
    renderLimit: 5_000,
    memoryLimit: 100_000_000,
  })
}

/** The shared engine: stateless between renders, so one instance serves every step. */
const engine = createLiquid()

/** A JSON-ish value: what `with` blocks and step outputs are made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const UNDEFINED_VAR_RE = /undefined variable: ([^,]+)/

/**
 * Renders one Liquid template over `scope`.
 * Throws `VALIDATION` with `details.variable` on an undefined variable, and on any parse error.
 *
 * @example
 * renderTemplate('Hello {{ inputs.name }}', { inputs: { name: 'Ada' } }) // 'Hello Ada'
 */
export function renderTemplate(src: string, scope: Record<string, unknown>): string {
  // fast path: most `with` strings hold no markup at all
  if (!src.includes('{{') && !src.includes('{%')) return src
  try {
    return String(engine.parseAndRenderSync(src, scope))
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    const variable = UNDEFINED_VAR_RE.exec(message)?.[1]?.trim()
    if (variable) {
      throw new AppError('VALIDATION', `undefined template variable: ${variable}`, {
        cause,
        details: { variable, template: src },
      })
    }
    throw new AppError('VALIDATION', `invalid template: ${message}`, { cause, details: { template: src } })
  }
}

/**
 * Renders every string inside `value` (object values and array items, not keys), keeping numbers,
 * booleans and null as they are. Returns a new value; the input is not modified.
 *
 * @example
 * renderDeep({ run: ['echo', '{{ inputs.msg }}'], timeout: 5 }, { inputs: { msg: 'hi' } })
 * // { run: ['echo', 'hi'], timeout: 5 }
 */
export function renderDeep<T>(value: T, scope: Record<string, unknown>): T {
  if (typeof value === 'string') return renderTemplate(value, scope) as T
  if (Array.isArray(value)) return value.map((v: unknown) => renderDeep(v, scope)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, scope)
    return out as T
  }
  return value
}

/**
 * The dotted paths of the variables a template expects from its scope, deduplicated (in the order
 * of liquidjs's analysis: appearance, with index expressions after their outer path): `{{ steps.build.outputs.stdout }}` → `steps.build.outputs.stdout`. Names the
 * template assigns itself (`assign`, `for`, `capture`) are left out (liquidjs's global analysis).
 * A path stops before its first computed or numeric segment (`inputs[env.KEY].x` → `inputs`,
 * plus `env.KEY` for the index), so every path is a chain of literal property names.
 * Throws `VALIDATION` when the template does not parse.
 *
 * @example
 * templateVariables('{{ inputs.name | upcase }} {% for f in steps.ls.outputs.files %}{{ f }}{% endfor %}')
 * // ['inputs.name', 'steps.ls.outputs.files']
 */
export function templateVariables(src: string): string[] {
  let segments: ReturnType<Liquid['globalVariableSegmentsSync']>
  try {
    segments = engine.globalVariableSegmentsSync(src)
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new AppError('VALIDATION', `invalid template: ${message}`, { cause, details: { template: src } })
  }
  const paths = new Set<string>()
  for (const segs of segments) {
    const names: string[] = []
    for (const s of segs) {
      if (typeof s !== 'string') break
      names.push(s)
    }
    if (names.length) paths.add(names.join('.'))
  }
  return [...paths]
}
