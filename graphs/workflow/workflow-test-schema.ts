/**
 * The `*.test.yaml` format of workflow tests (seed 003's testing framework):
 *
 * ```yaml
 * workflow: ./increase-test-coverage.yaml      # relative to this file
 * cases:
 *   - name: coverage goes up
 *     inputs: { project: examples/ts-sample }
 *     mocks:                                    # step id → outputs, or a failure
 *       coverage_before: { exit_code: 0 }
 *       summary_before: { total: 40, lowest: [{ file: src/discount.ts, pct: 0 }] }
 *       coverage_after: { error: { code: INTERNAL, message: vitest exited with code 1 } }
 *     answers:                                  # human steps, in the order they ask
 *       - { step: review, action: approve }
 *     expect:
 *       status: failed                          # succeeded | failed | interrupted
 *       visited: [workdir, copy, …]             # exact list, in order; or:
 *       visited_includes: [propose]
 *       not_visited: [apply]
 *       outputs: { before: 40 }                 # deep partial match
 *       error: { code: INTERNAL }               # the run's error, partial match
 *       steps:
 *         coverage_after: { status: failed, error: { code: INTERNAL } }
 *         propose: { status: succeeded, outputs: { results: [{}] } }
 * ```
 */
import { z } from 'zod'
import { HumanAnswer } from './step-node-human.js'

const Obj = z.record(z.string(), z.unknown())
const STATUSES = ['succeeded', 'failed', 'interrupted'] as const
export type CaseStatus = (typeof STATUSES)[number]

/** One answer to a human step: `step` (optional) must be the step that asks; the rest is the resume value. */
export const TestAnswer = z.strictObject({
  step: z.string().min(1).optional(),
  action: HumanAnswer.shape.action,
  value: z.unknown().optional(),
  reason: z.string().optional(),
})
export type TestAnswer = z.infer<typeof TestAnswer>

export const StepExpectation = z.strictObject({
  status: z.enum(['succeeded', 'failed', 'skipped']).optional(),
  outputs: Obj.optional().describe('deep partial match'),
  error: Obj.optional().describe('deep partial match of { code, message, details }'),
  skip_reason: z.enum(['if', 'not_routed', 'upstream']).optional(),
  attempts: z.int().min(0).optional(),
})
export type StepExpectation = z.infer<typeof StepExpectation>

export const CaseExpectation = z.strictObject({
  status: z.enum(STATUSES).optional(),
  visited: z.array(z.string()).optional().describe('the exact list of steps that ran, in order'),
  visited_includes: z.array(z.string()).optional(),
  not_visited: z.array(z.string()).optional(),
  outputs: Obj.optional().describe('deep partial match of the workflow outputs'),
  error: Obj.optional().describe('deep partial match of the run error'),
  steps: z.record(z.string(), StepExpectation).optional(),
})
export type CaseExpectation = z.infer<typeof CaseExpectation>

export const TestCase = z.strictObject({
  name: z.string().min(1),
  inputs: Obj.default({}),
  mocks: z.record(z.string(), Obj).default({}).describe('step id → outputs, or { error: { code, message } }'),
  answers: z.array(TestAnswer).default([]),
  expect: CaseExpectation.default({}),
})
export type TestCase = z.infer<typeof TestCase>

export const WorkflowTestSpec = z.strictObject({
  workflow: z.string().min(1).describe('the workflow file, relative to this test file'),
  description: z.string().optional(),
  cases: z.array(TestCase).min(1),
}).superRefine((t, ctx) => {
  const seen = new Set<string>()
  t.cases.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'name'], message: `duplicate case name '${c.name}'` })
    seen.add(c.name)
  })
})
export type WorkflowTestSpec = z.infer<typeof WorkflowTestSpec>

/** Whether a file name is a workflow test (`*.test.yaml` / `*.test.yml`). */
export const isWorkflowTestFile = (name: string): boolean => /\.test\.ya?ml$/i.test(name)
