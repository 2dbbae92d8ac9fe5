import type { Finding } from '../finding.js'
import type { StepSpec } from '../spec-schema.js'
import { ancestorsOf, type Rule } from '../validate-context.js'

/** The outputs of the step types whose results are fixed (an agent's depend on its handoff, a workflow's on the child). */
export const EXECUTOR_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  shell: ['exit_code', 'stdout', 'stderr', 'truncated', 'duration_ms', 'timed_out'],
  template: ['path', 'bytes'],
  webhook: ['status', 'headers', 'body'],
  assert: ['passed'],
  human: ['action', 'value', 'reason'],
}

/**
 * The output names a step produces, as the compiler builds them: a `for_each` step's `results`
 * (one entry per item); else its executor's outputs plus its declared `outputs`; undefined when
 * unknown (agent and workflow steps).
 */
export function producedOutputs(s: StepSpec): readonly string[] | undefined {
  if (s.for_each !== undefined) return ['results']
  const fixed = EXECUTOR_OUTPUTS[s.type]
  return fixed === undefined ? undefined : [...fixed, ...Object.keys(s.outputs ?? {})]
}

/** Per step, the steps that run before it: what it needs, and the steps that route to it (on_error, on_timeout, next). */
function predecessors(ctx: Parameters<Rule>[0]): number[][] {
  const pred = ctx.needs.map((n) => [...n])
  ctx.spec.steps.forEach((s, i) => {
    const targets = [s.on_error, s.on_timeout, ...(typeof s.next === 'string' ? [s.next] : (s.next ?? []).map((r) => r.goto))]
    for (const t of targets) {
      const j = t === undefined ? undefined : ctx.stepIndex.get(t)
      if (j !== undefined) pred[j]?.push(i)
    }
  })
  return pred
}

/**
 * `output-not-produced`: a read of `steps.X.outputs.Y` where X's outputs are known and Y is not
 * among them; and a read of `steps.X` by a step X does not run before (X is neither among the
 * reader's transitive needs nor routes to it; reported once per reader and step). The workflow's
 * own `outputs` may read any step.
 */
export const outputNotProduced: Rule = (ctx) => {
  const pred = predecessors(ctx)
  const before = new Map<number, Set<number>>()
  const out: Finding[] = []
  // one finding per reader and step read out of order, at the first read
  const unordered = new Set<string>()
  for (const site of ctx.sites) {
    if (site.scope !== 'workflow') continue
    for (const r of site.refs) {
      const [id, section, name] = r.keys
      const x = typeof id === 'string' && r.root === 'steps' ? ctx.stepIndex.get(id) : undefined
      const step = x === undefined ? undefined : ctx.spec.steps[x]
      if (x === undefined || step === undefined) continue
      const col = r.col === undefined ? {} : { col: r.col }
      const produced = producedOutputs(step)
      if (section === 'outputs' && typeof name === 'string' && produced !== undefined && !produced.includes(name)) {
        const has = produced.length === 0 ? 'none' : produced.join(', ')
        out.push(ctx.finding('output-not-produced', site.path, `step '${id}' has no output '${name}' (its outputs: ${has})`, col))
      }
      if (site.step === undefined || site.step === x) continue
      let ancestors = before.get(site.step)
      if (ancestors === undefined) before.set(site.step, ancestors = ancestorsOf(pred, site.step))
      if (ancestors.has(x) || unordered.has(`${site.step}:${x}`)) continue
      unordered.add(`${site.step}:${x}`)
      const reader = ctx.spec.steps[site.step]?.id ?? ''
      out.push(ctx.finding('output-not-produced', site.path,
        `step '${reader}' reads step '${id}', which does not run before it: add '${id}' to its needs`, col))
    }
  }
  return out
}
