import type { Rule } from '../validate-context.js'

/**
 * `unsupported`: language the schema accepts but the compiler does not run yet, so a workflow using
 * it validates the way it loads (it would be skipped at start-up with a `compile` finding).
 * Today: `next` routing; route with `needs` + `if`, `on_error`, or a step's own `loop` instead.
 */
export const unsupported: Rule = (ctx) => ctx.spec.steps.flatMap((s, i) => (s.next === undefined ? []
  : [ctx.finding('unsupported', ['steps', i, 'next'], `step ${s.id}: next routing is not supported by the compiler yet; use needs + if, on_error or loop`, { key: true })]))
