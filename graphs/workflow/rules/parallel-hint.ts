import type { StepSpec } from '../spec-schema.js'
import { needPath, type Rule } from '../validate-context.js'

/**
 * Whether a step only fetches: its results can reach later steps through its outputs alone (an
 * HTTP GET changes nothing and writes no file). Shell, template, agent and workflow steps may
 * leave files another step reads; human and assert steps are gates whose order is the point; a
 * POST may trigger what the next step checks. So only these needs are judged by data flow.
 */
const onlyFetches = (s: StepSpec): boolean =>
  s.type === 'webhook' && typeof s.with?.method === 'string' && s.with.method.toUpperCase() === 'GET'
  && s.next === undefined && s.on_error === undefined

/**
 * `parallel-hint` (info): step S needs step D, D only fetches (see `onlyFetches`), and nothing of S
 * (`if`, `with`, `outputs`, `loop`, `cache`, `for_each`, `next`) reads `steps.D`: the need orders
 * S after D for nothing, so they could run in parallel.
 */
export const parallelHint: Rule = (ctx) => ctx.spec.steps.flatMap((s, i) => (ctx.needs[i] ?? []).flatMap((d) => {
  const dep = ctx.spec.steps[d]
  if (dep === undefined || d === i || !onlyFetches(dep)) return []
  const reads = ctx.sites.some((site) => site.step === i && site.refs.some((r) => r.root === 'steps' && r.keys[0] === dep.id))
  if (reads) return []
  return [ctx.finding('parallel-hint', needPath(ctx.spec, i, dep.id),
    `step '${s.id}' needs '${dep.id}' but never reads its outputs: drop the need and they can run in parallel`)]
}))
