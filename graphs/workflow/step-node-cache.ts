import { createHash } from 'node:crypto'
import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { evalValue, type Scope } from './compile-scope.js'
import { parseDuration, type StepSpec } from './spec-schema.js'
import type { NodeEnv } from './step-node.js'
import type { StepRecord } from './workflow-state.js'

/** The custom stream event of a cache lookup (`streamMode: 'custom'`). */
export interface StepCacheEvent {
  type: 'step_cache'
  step: string
  hit: boolean
  key: string
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : x))
}

/**
 * The content key of a step run: sha256 over the step's definition as written, its rendered
 * parameters (one entry per unit: the step, each `for_each` item, or a loop's first iteration) and
 * its rendered `cache.key`. The workflow's name is not part of it: the same step with the same
 * parameters shares its entry across workflows, runs and threads.
 */
export function stepCacheKey(step: StepSpec, params: unknown[], scope: Scope): string {
  const extra = step.cache?.key === undefined ? null : evalValue(step.cache.key, scope)
  return createHash('sha256').update(canonicalJson({ step, params, key: extra })).digest('hex')
}

/**
 * Wraps a step body with the step cache: a live entry is a hit (outputs reused, `cached: true`,
 * no executor call); otherwise the body runs and a success is stored for `cache.ttl` (none = until
 * cleared). Each lookup is written to the custom stream as a {@link StepCacheEvent}.
 */
export async function cachedBody(
  c: { step: StepSpec; env: NodeEnv; scope: Scope; params: unknown[]; config: LangGraphRunnableConfig },
  body: () => Promise<StepRecord>,
): Promise<StepRecord> {
  const cache = c.env.cache
  if (!cache) return body()
  const key = stepCacheKey(c.step, c.params, c.scope)
  const event = (hit: boolean): StepCacheEvent => ({ type: 'step_cache', step: c.step.id, hit, key })
  const entry = await cache.get(key, c.env.now())
  if (entry) {
    c.config.writer?.(event(true))
    const { __iteration: iteration, ...outputs } = entry.outputs
    return { status: 'succeeded', outputs, attempts: 0, cached: true, ...(typeof iteration === 'number' ? { iteration } : {}) }
  }
  c.config.writer?.(event(false))
  const r = await body()
  if (r.status === 'succeeded') {
    const ttl = c.step.cache?.ttl
    const outputs = r.iteration === undefined ? r.outputs : { ...r.outputs, __iteration: r.iteration }
    await cache.put({ key, workflow: c.env.spec.name, step: c.step.id, outputs, now: c.env.now(), ...(ttl === undefined ? {} : { ttlMs: parseDuration(ttl) }) })
  }
  return r
}
