import type { Finding } from '../finding.js'
import { parseExpression, truthy } from '../expression.js'
import { needsOf } from '../spec-schema.js'
import { ancestorsOf, needPath, type Rule } from '../validate-context.js'

/** `unknown-need`: every id in a step's `needs` names a step of the workflow. */
export const unknownNeed: Rule = (ctx) => ctx.spec.steps.flatMap((s, i) => needsOf(s)
  .filter((id) => !ctx.stepIndex.has(id))
  .map((id) => ctx.finding('unknown-need', needPath(ctx.spec, i, id), `step '${s.id}' needs '${id}', which is not a step of this workflow`)))

/** Strongly connected components of the needs graph (Tarjan), each as sorted step indexes. */
function components(needs: readonly (readonly number[])[]): number[][] {
  const index = new Map<number, number>()
  const low = new Map<number, number>()
  const stack: number[] = []
  const onStack = new Set<number>()
  const out: number[][] = []
  const visit = (v: number): void => {
    index.set(v, index.size)
    low.set(v, index.get(v) as number)
    stack.push(v)
    onStack.add(v)
    for (const w of needs[v] ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v) as number, low.get(w) as number)) }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) !== index.get(v)) return
    const comp: number[] = []
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w)
      comp.push(w)
      if (w === v) break
    }
    out.push(comp.sort((a, b) => a - b))
  }
  needs.forEach((_, v) => { if (!index.has(v)) visit(v) })
  return out
}

/** The indexes of the steps that lie on a needs cycle, and one finding per cycle. */
function cycles(ctx: Parameters<Rule>[0]): { onCycle: Set<number>; findings: Finding[] } {
  const onCycle = new Set<number>()
  const findings: Finding[] = []
  for (const comp of components(ctx.needs)) {
    const first = comp[0] as number
    if (comp.length === 1 && !(ctx.needs[first] ?? []).includes(first)) continue
    comp.forEach((c) => onCycle.add(c))
    // a shortest way back to the first step, for the message
    const members = new Set(comp)
    const prev = new Map<number, number>()
    const queue = [first]
    let closing = first
    search: for (const v of queue) {
      for (const w of ctx.needs[v] ?? []) {
        if (w === first) { closing = v; break search }
        if (members.has(w) && !prev.has(w)) { prev.set(w, v); queue.push(w) }
      }
    }
    const path = [closing]
    while (path[0] !== first) path.unshift(prev.get(path[0] as number) as number)
    const ids = [...path, first].map((i) => ctx.spec.steps[i]?.id ?? '')
    const next = ids[1] ?? ''
    findings.push(ctx.finding('cycle', needPath(ctx.spec, first, next),
      `needs cycle: ${ids.join(' needs ')}; a step that repeats must do it with its own bounded loop (until, max_iterations)`))
  }
  return { onCycle, findings }
}

/** `cycle`: no cycle through `needs` (a self-need included). */
export const needsCycle: Rule = (ctx) => cycles(ctx).findings

/**
 * `unreachable`: a step that can never run: it is not on a cycle itself but needs, directly or
 * through other steps, a step that is (that step never finishes); or its `if` is a constant false.
 */
export const unreachable: Rule = (ctx) => {
  const { onCycle } = cycles(ctx)
  const out: Finding[] = []
  ctx.spec.steps.forEach((s, i) => {
    if (s.if !== undefined) {
      const ast = parseExpression(s.if)
      if (ast.kind === 'literal' && !truthy(ast.value)) {
        out.push(ctx.finding('unreachable', ['steps', i, 'if'], `step '${s.id}' never runs: its if is always false`))
      }
    }
    if (onCycle.has(i)) return
    const blocked = (ctx.needs[i] ?? []).find((j) => onCycle.has(j) || [...ancestorsOf(ctx.needs, j)].some((a) => onCycle.has(a)))
    if (blocked === undefined) return
    const id = ctx.spec.steps[blocked]?.id ?? ''
    const why = onCycle.has(blocked) ? 'which is on a needs cycle' : 'which waits on a needs cycle'
    out.push(ctx.finding('unreachable', needPath(ctx.spec, i, id), `step '${s.id}' never runs: it needs '${id}', ${why}`))
  })
  return out
}
