import { z } from 'zod'
import { WorkflowSpec } from './spec-schema.js'

/** Where the published schema lives, relative to the repository root. */
export const WORKFLOW_SCHEMA_PATH = 'schema/workflow.schema.json'

/**
 * The JSON Schema (draft 2020-12) of a workflow file, generated from {@link WorkflowSpec} for editor
 * completion (YAML language servers read it through `# yaml-language-server: $schema=…`).
 * It describes the input side (what an author writes); checks zod runs in code (expression syntax,
 * unique step ids, duration bounds) are not in it, the loader and `switchyard validate` report them.
 * @example writeFileSync(WORKFLOW_SCHEMA_PATH, renderWorkflowJsonSchema())
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(WorkflowSpec, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' })
  const { $schema, ...rest } = generated as Record<string, unknown>
  return { $schema, title: 'Switchyard workflow', ...rest }
}

/** The schema as the committed file's text: two-space JSON and a final newline. */
export const renderWorkflowJsonSchema = (): string => `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`
