import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { isInside } from '../../agents/steps/workspace-path.js'
import { AppError } from '../../store/app-error.js'
import type { AnyGraph } from '../registry.js'
import { parseWorkflowInputs, renderWith } from './compile-scope.js'
import type { StepSpec, WorkflowSpec } from './spec-schema.js'
import type { StepKind } from './step-node.js'
import type { WorkflowStateT } from './workflow-state.js'

/** `with` of a workflow step: the other file (relative to this one's folder, written literally) and its inputs. */
export const WorkflowParams = z.strictObject({
  path: z.string().min(1).refine((p) => !p.includes('{{') && !p.includes('{%'), 'path must be written literally, not templated'),
  inputs: z.record(z.string(), z.unknown()).default({}),
})

/** Resolves a workflow step's `path` against the calling file's folder; `VALIDATION` if it leaves that folder. */
export function childWorkflowPath(parentFile: string, step: StepSpec): string {
  const r = WorkflowParams.safeParse(step.with ?? {})
  if (!r.success) throw new AppError('VALIDATION', `invalid with for workflow step ${step.id}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { details: { step: step.id } })
  const dir = dirname(resolve(parentFile))
  const target = resolve(dir, r.data.path)
  if (!isInside(dir, target)) throw new AppError('VALIDATION', `workflow step ${step.id}: path ${r.data.path} leaves the folder of ${parentFile}`, { details: { step: step.id } })
  return target
}

/**
 * A workflow step: the other workflow, compiled with this one (no checkpointer of its own), invoked
 * inside the node with the node's config, so LangGraph runs it as a subgraph under this node's
 * checkpoint namespace: its checkpoints, interrupts (a human step inside) and custom events belong
 * to the same thread. `with.inputs` is rendered, then validated against the child's declared inputs.
 * Outputs are the child's workflow outputs; a child that ends `failed` fails the step with its error.
 */
export function workflowKind(step: StepSpec, child: { spec: WorkflowSpec; graph: AnyGraph; file: string }): StepKind {
  return {
    prepare: (scope) => ({ inputs: parseWorkflowInputs(child.spec, renderWith({ inputs: step.with?.inputs ?? {} }, scope).inputs) }),
    run: async (params, _scope, ctx) => {
      const out = await child.graph.invoke(params as { inputs: Record<string, unknown> }, ctx.config) as WorkflowStateT
      if (out.status === 'failed') {
        throw new AppError('INTERNAL', `workflow ${child.spec.name} (${child.file}) failed${out.error ? `: ${out.error.message}` : ''}`, {
          details: { step: step.id, workflow: child.spec.name, error: out.error, outputs: out.outputs },
        })
      }
      return out.outputs
    },
  }
}
