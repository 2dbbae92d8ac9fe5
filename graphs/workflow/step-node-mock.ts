import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import type { StepRecord } from './workflow-state.js'

/** A mocked failure: the step records `failed` with this error (`timed_out` routes to `on_timeout`). */
export const MockFailure = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
  outputs: z.record(z.string(), z.unknown()).optional().describe('outputs kept on the failed record'),
  timed_out: z.boolean().optional(),
})
export type MockFailure = z.infer<typeof MockFailure>

/**
 * What a step is mocked with (compile option `mocks`, by step id): its outputs, or a
 * {@link MockFailure}. An object is a failure when it has an `error` key holding an object with
 * `code` and `message`; any other object is the step's outputs as they are.
 */
export type StepMock = Record<string, unknown>

/** Whether a mock stands for a failure. */
export const isMockFailure = (m: StepMock): boolean =>
  typeof m.error === 'object' && m.error !== null && !Array.isArray(m.error) && MockFailure.safeParse(m).success

/**
 * The record of a mocked step: `succeeded` with exactly the mock's outputs (declared `outputs` are
 * not evaluated), or `failed` with the mocked error; one attempt, whatever its `retry`, `loop` or
 * `for_each` (a `for_each` step's outputs are the mock too, so give `{ results: [...] }`).
 * The gates before the body still apply: a mocked step whose need failed, whose `if` is false or
 * that nothing routed to is skipped as usual, and a mocked failure routes to `on_error`.
 */
export function mockRecord(step: string, mock: StepMock): StepRecord {
  const copy = JSON.parse(JSON.stringify(mock)) as StepMock
  if (!isMockFailure(copy)) return { status: 'succeeded', outputs: copy, attempts: 1 }
  const f = MockFailure.parse(copy)
  return {
    status: 'failed', outputs: f.outputs ?? {}, attempts: 1,
    error: { code: f.error.code, message: f.error.message, details: { ...f.error.details, step, mocked: true } },
    ...(f.timed_out ? { timed_out: true } : {}),
  }
}

/** `VALIDATION` for mocks that name steps the workflow does not have. */
export function checkMocks(ids: ReadonlySet<string>, mocks: Readonly<Record<string, StepMock>>, file: string): void {
  const unknown = Object.keys(mocks).filter((id) => !ids.has(id))
  if (unknown.length) throw new AppError('VALIDATION', `${file}: mocks name unknown steps: ${unknown.join(', ')}`, { details: { file, steps: unknown } })
}
