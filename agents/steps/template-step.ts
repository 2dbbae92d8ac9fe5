import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../store/app-error.js'
import { renderTemplate } from './liquid.js'
import type { StepContext } from './step-context.js'
import { resolveWorkspacePath } from './workspace-path.js'

/**
 * `with` of a `template` step: exactly one of `template` (inline Liquid) or `template_file`
 * (a file inside the workspace), the output `path` inside the workspace, and `vars`.
 *
 * The compiler must pass `template` through unrendered (see `RAW_WITH_KEYS` in the registry):
 * it is rendered here, once, over `vars` and `env`, so a value containing `{{ … }}` that arrives
 * through `vars` is written literally and never evaluated a second time.
 */
export const TemplateParams = z
  .strictObject({
    template: z.string().optional().describe('inline Liquid template'),
    template_file: z.string().min(1).optional().describe('Liquid template file, relative to the workspace'),
    path: z.string().min(1).describe('output file, relative to the workspace'),
    vars: z.record(z.string(), z.unknown()).default({}).describe('variables the template reads'),
  })
  .refine((p) => (p.template === undefined) !== (p.template_file === undefined), {
    message: 'give exactly one of template or template_file',
    path: ['template'],
  })
export type TemplateParams = z.output<typeof TemplateParams>

export interface TemplateOutputs {
  /** Absolute path of the written file. */
  path: string
  /** Size of the written file in bytes (UTF-8). */
  bytes: number
}

async function loadTemplate(p: TemplateParams, ctx: StepContext): Promise<string> {
  if (p.template !== undefined) return p.template
  const file = await resolveWorkspacePath(ctx.workspace, p.template_file ?? '')
  try {
    return await readFile(file, 'utf8')
  } catch (cause) {
    throw new AppError('VALIDATION', `cannot read template_file ${p.template_file}`, {
      cause,
      details: { template_file: p.template_file },
    })
  }
}

/**
 * Renders the template (strict Liquid: an undefined variable is a `VALIDATION` error naming it)
 * over `{ env, vars, ...vars }` (so `{{ name }}` and `{{ vars.name }}` both read `vars.name`),
 * then writes it to `path`, creating parent folders inside the workspace. A path that leaves the
 * workspace (absolute, `..`, or through a symlink) is rejected before anything is written.
 *
 * @example
 * await runTemplateStep(TemplateParams.parse({ template: '# {{ title }}', path: 'out/README.md', vars: { title: 'Hi' } }), ctx)
 * // { path: '/ws/out/README.md', bytes: 4 }
 */
export async function runTemplateStep(p: TemplateParams, ctx: StepContext): Promise<TemplateOutputs> {
  const target = await resolveWorkspacePath(ctx.workspace, p.path)
  const source = await loadTemplate(p, ctx)
  const text = renderTemplate(source, { env: ctx.env, vars: p.vars, ...p.vars })
  try {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, text, 'utf8')
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new AppError('INTERNAL', `cannot write ${p.path}: ${message}`, { cause, details: { path: p.path } })
  }
  return { path: target, bytes: Buffer.byteLength(text, 'utf8') }
}
