import type { Finding } from '../finding.js'
import type { Ref, Site } from '../validate-sites.js'
import type { Rule, RuleContext } from '../validate-context.js'

/**
 * Names an expression or a step's template may start from, as the compiler's scope has them:
 * `context` is seed 004's flat view, `item`/`index` come from `for_each`, `iteration`/`previous`
 * from `loop`, `result` from the executor (in `outputs` and `until`).
 */
export const ROOTS: ReadonlySet<string> = new Set(['inputs', 'env', 'steps', 'context', 'item', 'index', 'iteration', 'previous', 'result'])
/** The workflow's `env` values are rendered over the inputs alone. */
const ENV_ROOTS: ReadonlySet<string> = new Set(['inputs'])

const dottedRef = (r: Ref) => [r.root, ...r.keys].join('.')
const at = (r: Ref) => (r.col === undefined ? {} : { col: r.col })

/** `unknown-step-ref`: `steps.X` in an expression or template, `on_error`, `on_timeout` and `next` name existing steps. */
export const unknownStepRef: Rule = (ctx) => {
  const out: Finding[] = []
  for (const site of ctx.sites) {
    if (site.scope !== 'workflow') continue
    for (const r of site.refs) {
      const id = r.keys[0]
      if (r.root !== 'steps' || typeof id !== 'string' || ctx.stepIndex.has(id)) continue
      out.push(ctx.finding('unknown-step-ref', site.path, `'${dottedRef(r)}' reads step '${id}', which is not a step of this workflow`, at(r)))
    }
  }
  ctx.spec.steps.forEach((s, i) => {
    const targets: [(string | number)[], string | undefined][] = [[['on_error'], s.on_error], [['on_timeout'], s.on_timeout]]
    if (typeof s.next === 'string') targets.push([['next'], s.next])
    else s.next?.forEach((r, j) => targets.push([['next', j, 'goto'], r.goto]))
    for (const [path, id] of targets) {
      if (id === undefined || ctx.stepIndex.has(id)) continue
      out.push(ctx.finding('unknown-step-ref', ['steps', i, ...path], `${String(path[0])} of step '${s.id}' goes to '${id}', which is not a step of this workflow`))
    }
  })
  return out
}

function undefinedInWorkflowScope(ctx: RuleContext, site: Site, r: Ref): Finding | undefined {
  const key = r.keys[0]
  const roots = site.path[0] === 'env' ? ENV_ROOTS : ROOTS
  if (!roots.has(r.root)) {
    return ctx.finding('undefined-variable', site.path, `'${r.root}' is not defined here: names start from ${[...roots].join(', ')}`, at(r))
  }
  if (r.root === 'inputs' && key !== undefined && !Object.hasOwn(ctx.spec.inputs ?? {}, key)) {
    return ctx.finding('undefined-variable', site.path, `input '${key}' is not declared in inputs`, at(r))
  }
  if (r.root === 'env' && key !== undefined && !Object.hasOwn(ctx.spec.env ?? {}, key)) {
    return ctx.finding('undefined-variable', site.path,
      `env '${key}' is not declared in env (templates see the workflow's env, never the process environment)`, at(r))
  }
  return undefined
}

/** A template step's own `template` reads `env`, `vars` and the names in `vars`. */
function undefinedInTemplateFile(ctx: RuleContext, site: Site, r: Ref): Finding | undefined {
  const rawVars = ctx.spec.steps[site.step ?? -1]?.with?.vars
  const vars = typeof rawVars === 'object' && rawVars !== null && !Array.isArray(rawVars) ? Object.keys(rawVars) : []
  if (r.root === 'env') return undefinedInWorkflowScope(ctx, site, r)
  const name = r.root === 'vars' ? r.keys[0] : r.root
  if (name === undefined || vars.includes(String(name))) return undefined
  return ctx.finding('undefined-variable', site.path,
    `'${dottedRef(r)}' is not defined: a template step's template reads env and the names in its vars (${vars.join(', ') || 'none'})`, at(r))
}

/** `undefined-variable`: every name read is declared (`inputs.K` in inputs, `env.K` in env) or a known root. */
export const undefinedVariable: Rule = (ctx) => ctx.sites.flatMap((site) => site.refs.flatMap((r) => {
  const f = site.scope === 'workflow' ? undefinedInWorkflowScope(ctx, site, r) : undefinedInTemplateFile(ctx, site, r)
  return f === undefined ? [] : [f]
}))

/** `invalid-expression` for templates; expression syntax errors come from the schema, relabelled by the validator. */
export const invalidTemplate: Rule = (ctx) => ctx.sites.flatMap((site) => (site.error === undefined ? []
  : [ctx.finding('invalid-expression', site.path, site.error.message, site.error.col === undefined ? {} : { col: site.error.col })]))
