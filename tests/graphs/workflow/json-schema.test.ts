import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderWorkflowJsonSchema, WORKFLOW_SCHEMA_PATH, workflowJsonSchema } from '../../../graphs/workflow/json-schema.js'
import { STEP_TYPES } from '../../../graphs/workflow/spec-schema.js'

interface Node { properties?: Record<string, Node>; items?: Node; enum?: unknown[]; required?: string[]; additionalProperties?: unknown; pattern?: string; anyOf?: Node[] }

describe(WORKFLOW_SCHEMA_PATH, () => {
  // UPDATE_SCHEMA=1 npx vitest run tests/graphs/workflow/json-schema.test.ts rewrites the committed file
  it('is the schema generated from the zod schema (regenerate with UPDATE_SCHEMA=1)', () => {
    const generated = renderWorkflowJsonSchema()
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(WORKFLOW_SCHEMA_PATH, generated)
    expect(readFileSync(WORKFLOW_SCHEMA_PATH, 'utf8')).toBe(generated)
  })

  it('describes what an editor needs to complete a workflow', () => {
    const root = workflowJsonSchema() as unknown as Node & { $schema: string; title: string }
    expect(root.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(root.required).toStrictEqual(['name', 'steps'])
    expect(root.additionalProperties).toBe(false)
    const step = root.properties?.steps?.items as Node
    expect(step.required).toStrictEqual(['id', 'type'])
    expect(step.additionalProperties).toBe(false)
    expect(step.properties?.type?.enum).toStrictEqual([...STEP_TYPES])
    expect(Object.keys(step.properties ?? {})).toStrictEqual([
      'id', 'name', 'type', 'needs', 'if', 'with', 'outputs', 'retry', 'timeout', 'cache', 'continue_on_error',
      'on_error', 'for_each', 'max_parallel', 'loop', 'on_timeout', 'next',
    ])
    expect(step.properties?.timeout?.anyOf?.[1]?.pattern).toBe('^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$')
    expect(step.properties?.loop?.required).toStrictEqual(['until', 'max_iterations'])
  })
})
