import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { renderDeep } from '../../agents/steps/liquid.js'
import { AppError, isAppError } from '../../store/app-error.js'
import { evalValue, holdsIn, notAList, stepOutputs, toStepError, type Scope } from './compile-scope.js'
import { parseDuration, type StepSpec } from './spec-schema.js'
import { cachedBody } from './step-node-cache.js'
import { runWithRetry } from './step-node-retry.js'
import { runAsTask } from './step-node-unit-task.js'
import type { NodeEnv, StepKind } from './step-node.js'
import { traceAttempt } from './step-node-trace.js'
import type { StepRecord } from './workflow-state.js'

/** `for_each` runs this many items at once when `max_parallel` is not set. */
export const DEFAULT_MAX_PARALLEL = 4

interface Run { scope: Scope; config: LangGraphRunnableConfig }
interface Unit { scope: Scope; params: unknown }
type UnitResult = { ok: true; outputs: Record<string, unknown>; attempts: number } | { ok: false; record: StepRecord }

function failure(e: unknown, attempts: number, extra: Partial<StepRecord> = {}): StepRecord {
  const error = toStepError(e)
  // a human step's answer (e.g. a rejection's reason) stays readable by the error handler
  const outputs = isAppError(e) && typeof e.details?.outputs === 'object' && e.details.outputs !== null
    ? e.details.outputs as Record<string, unknown> : {}
  const timed = isAppError(e) && e.details?.timed_out === true
  return { status: 'failed', outputs, error, attempts, ...(timed ? { timed_out: true } : {}), ...extra }
}

async function runUnit(step: StepSpec, kind: StepKind, unit: Unit, config: LangGraphRunnableConfig): Promise<UnitResult> {
  const timeoutMs = step.timeout === undefined || kind.waits ? undefined : parseDuration(step.timeout)
  const o = await runWithRetry({ step: step.id, retry: kind.waits ? undefined : step.retry, timeoutMs, signal: config.signal },
    (c) => traceAttempt(step, c.attempt, () => kind.run(unit.params, unit.scope, { signal: c.signal, timeoutMs: c.timeoutMs, config: { ...config, signal: c.signal } })))
  if (!o.ok) return { ok: false, record: failure(o.error, o.attempts) }
  return { ok: true, outputs: stepOutputs(step.outputs, o.value, unit.scope), attempts: o.attempts }
}

/** Items of a `for_each`: a literal list (its strings rendered) or an expression yielding a list. */
function itemsOf(step: StepSpec, scope: Scope): unknown[] {
  const v = Array.isArray(step.for_each) ? renderDeep(step.for_each, scope) : evalValue(step.for_each as string, scope)
  if (!Array.isArray(v)) throw notAList(step.id, v)
  return v
}

/**
 * `for_each`: every item's parameters are rendered first (an item that does not render fails the
 * step before anything runs), then at most `max_parallel` items run at once, each with its own
 * retries and timeout, in one node. Each finished item is checkpointed as a LangGraph task
 * ({@link runAsTask}): a run resumed after a crash or a human gate inside the step re-runs only the
 * items that had not finished. The first failure stops new items from starting; outputs are
 * `{ results: [...] }` in item order (`null` for an item that did not finish).
 */
async function forEach(step: StepSpec, kind: StepKind, units: Unit[], config: LangGraphRunnableConfig): Promise<StepRecord> {
  const results: unknown[] = units.map(() => null)
  let attempts = 0
  let failed: StepRecord | undefined
  let next = 0
  const worker = async () => {
    while (failed === undefined && next < units.length) {
      const i = next++
      // the task is called synchronously after `next++`, so call order = item order on every re-run
      const r = await runAsTask(`${step.id}[${i}]`, () => runUnit(step, kind, units[i] as Unit, config))
      if (r.ok) { results[i] = r.outputs; attempts += r.attempts } else { attempts += r.record.attempts; failed ??= r.record }
    }
  }
  await Promise.all(Array.from({ length: Math.min(step.max_parallel ?? DEFAULT_MAX_PARALLEL, units.length) }, worker))
  if (failed) return { ...failed, outputs: { results }, attempts }
  return { status: 'succeeded', outputs: { results }, attempts }
}

/**
 * `loop`: the step runs, then `until` is evaluated over the scope plus `result` (this iteration's
 * outputs), `iteration` (1-based) and `steps.<id>` (this iteration's record); it runs again while
 * `until` is false, at most `max_iterations` times (then it fails, keeping the last outputs).
 * Each iteration sees `iteration` and `previous` (the outputs of the one before, or null).
 * Each finished iteration is checkpointed as a LangGraph task, like `for_each` items.
 */
async function loop(step: StepSpec, kind: StepKind, first: Unit, run: Run): Promise<StepRecord> {
  const spec = step.loop as NonNullable<StepSpec['loop']>
  let attempts = 0
  let previous: Record<string, unknown> | null = null
  for (let iteration = 1; iteration <= spec.max_iterations; iteration++) {
    const scope: Scope = { ...run.scope, iteration, previous }
    const unit: Unit = iteration === 1 ? first : { scope, params: kind.prepare(scope) }
    const r: UnitResult = await runAsTask(`${step.id}#${iteration}`, () => runUnit(step, kind, unit, run.config))
    if (!r.ok) return { ...r.record, attempts: attempts + r.record.attempts, iteration }
    attempts += r.attempts
    const record: StepRecord = { status: 'succeeded', outputs: r.outputs, attempts, iteration }
    const steps = { ...(run.scope.steps as Record<string, StepRecord>), [step.id]: record }
    if (holdsIn(spec.until, { ...scope, steps, result: r.outputs })) return record
    previous = r.outputs
  }
  const e = new AppError('INTERNAL', `loop of step ${step.id}: until not met after ${spec.max_iterations} iterations`, { details: { step: step.id } })
  return { ...failure(e, attempts), outputs: previous ?? {}, iteration: spec.max_iterations }
}

/** Runs a step that passed its gates: renders its units, then the cache, `for_each`, `loop` or a single unit. */
export async function runStepBody(step: StepSpec, kind: StepKind, env: NodeEnv, run: Run): Promise<StepRecord> {
  let units: Unit[]
  try {
    const scopes = step.for_each !== undefined
      ? itemsOf(step, run.scope).map((item, index) => ({ ...run.scope, item, index }))
      : [step.loop ? { ...run.scope, iteration: 1, previous: null } : run.scope]
    units = scopes.map((scope) => ({ scope, params: kind.prepare(scope) }))
  } catch (e) {
    return failure(e, 0)
  }
  const body = async (): Promise<StepRecord> => {
    if (step.for_each !== undefined) return forEach(step, kind, units, run.config)
    if (step.loop) return loop(step, kind, units[0] as Unit, run)
    const r = await runUnit(step, kind, units[0] as Unit, run.config)
    return r.ok ? { status: 'succeeded', outputs: r.outputs, attempts: r.attempts } : r.record
  }
  if (step.cache === undefined || env.cache === undefined) return body()
  return cachedBody({ step, env, scope: run.scope, params: units.map((u) => u.params), config: run.config }, body)
}
