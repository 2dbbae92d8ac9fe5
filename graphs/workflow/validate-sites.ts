import { isExecutorStepType, RAW_WITH_KEYS } from '../../agents/steps/registry.js'
import { templateVariables } from '../../agents/steps/liquid.js'
import { parseExpression, pathRefs } from './expression.js'
import { isTemplate, type StepSpec, type WorkflowSpec } from './spec-schema.js'
import type { YamlPath } from './yaml-source.js'

/** One name an expression or template reads: `steps.build.outputs.stdout` is root `steps`, keys `build, outputs, stdout`. */
export interface Ref {
  readonly root: string
  /** Static keys after the root, up to the first computed one. */
  readonly keys: readonly (string | number)[]
  /** 1-based column of the root inside the text, when known. */
  readonly col?: number
}

/**
 * A string of the workflow that reads names at run time: an expression (`if`, `loop.until`,
 * `for_each`, `outputs`, `cache.key`, `next[].if`) or a Liquid template (any string holding
 * `{{`/`{%`, in `with`, `env`, `outputs`, `cache.key`).
 */
export interface Site {
  readonly path: YamlPath
  readonly text: string
  readonly kind: 'expression' | 'template'
  /** Index of the step the string belongs to; undefined for the workflow's own `env` and `outputs`. */
  readonly step?: number
  /**
   * `workflow`: read over inputs, env, steps, item, index, result. `template-file`: a template
   * step's own `template`, rendered by the executor over `env`, `vars` and the names in `vars`.
   */
  readonly scope: 'workflow' | 'template-file'
  readonly refs: readonly Ref[]
  /** A template that does not parse (expressions were already checked by the schema). */
  readonly error?: { readonly message: string; readonly col?: number }
}


function templateSite(text: string, base: Omit<Site, 'text' | 'kind' | 'refs'>): Site {
  try {
    const refs = templateVariables(text).map((p): Ref => {
      const [root = '', ...keys] = p.split('.')
      const at = text.indexOf(p)
      return { root, keys, ...(at >= 0 ? { col: at + 1 } : {}) }
    })
    return { ...base, text, kind: 'template', refs }
  } catch (e) {
    const raw = (e as Error).message
    const m = /, line:(\d+), col:(\d+)/.exec(raw)
    const message = raw.replace(/, line:\d+, col:\d+/, '')
    // liquidjs counts from the template's start; only its first line maps onto the file as written
    return { ...base, text, kind: 'template', refs: [], error: { message, ...(m?.[1] === '1' ? { col: Number(m[2]) } : {}) } }
  }
}

/** An expression-or-template string as a site. */
function valueSite(text: string, path: YamlPath, step: number | undefined): Site {
  if (isTemplate(text)) return templateSite(text, { path, step, scope: 'workflow' })
  return { path, step, scope: 'workflow', text, kind: 'expression', refs: pathRefs(parseExpression(text)) }
}

/** Every templated string inside a value (a `with` block, a `for_each` list). */
function templatesIn(value: unknown, path: YamlPath, step: number | undefined, out: Site[]): void {
  if (typeof value === 'string' && isTemplate(value)) out.push(templateSite(value, { path, step, scope: 'workflow' }))
  else if (Array.isArray(value)) value.forEach((v, i) => templatesIn(v, [...path, i], step, out))
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) templatesIn(v, [...path, k], step, out)
  }
}

function stepSites(s: StepSpec, i: number, out: Site[]): void {
  const at = (...p: (string | number)[]): YamlPath => ['steps', i, ...p]
  if (s.if !== undefined) out.push(valueSite(s.if, at('if'), i))
  if (s.loop) out.push(valueSite(s.loop.until, at('loop', 'until'), i))
  if (typeof s.for_each === 'string') out.push(valueSite(s.for_each, at('for_each'), i))
  else if (s.for_each) templatesIn(s.for_each, at('for_each'), i, out)
  for (const [k, v] of Object.entries(s.outputs ?? {})) out.push(valueSite(v, at('outputs', k), i))
  if (s.cache?.key !== undefined) out.push(valueSite(s.cache.key, at('cache', 'key'), i))
  if (Array.isArray(s.next)) s.next.forEach((r, j) => r.if !== undefined && out.push(valueSite(r.if, at('next', j, 'if'), i)))
  const raw: readonly string[] = isExecutorStepType(s.type) ? RAW_WITH_KEYS[s.type] : []
  for (const [k, v] of Object.entries(s.with ?? {})) {
    if (raw.includes(k) && typeof v === 'string' && isTemplate(v)) {
      out.push(templateSite(v, { path: at('with', k), step: i, scope: 'template-file' }))
    } else templatesIn(v, at('with', k), i, out)
  }
}

/** Every expression and template of a workflow, in file order. */
export function collectSites(spec: WorkflowSpec): Site[] {
  const out: Site[] = []
  for (const [k, v] of Object.entries(spec.env ?? {})) if (typeof v === 'string' && isTemplate(v)) out.push(templateSite(v, { path: ['env', k], scope: 'workflow' }))
  spec.steps.forEach((s, i) => stepSites(s, i, out))
  for (const [k, v] of Object.entries(spec.outputs ?? {})) {
    if (typeof v === 'string') out.push(valueSite(v, ['outputs', k], undefined))
    else out.push(valueSite(v.value, ['outputs', k, 'value'], undefined))
  }
  return out
}
