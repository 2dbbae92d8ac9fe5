import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseStepParams } from '../../../agents/steps/registry.js'
import { runTemplateStep } from '../../../agents/steps/template-step.js'
import type { StepContext } from '../../../agents/steps/step-context.js'

describe('template step', () => {
  let base: string, ws: string, ctx: StepContext
  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'tpl-step-')))
    ws = join(base, 'ws')
    mkdirSync(ws)
    mkdirSync(join(base, 'outside'))
    ctx = { workspace: ws, env: { STAGE: 'prod' } }
  })
  afterEach(() => rmSync(base, { recursive: true, force: true }))

  const run = (raw: unknown) => runTemplateStep(parseStepParams('template', raw), ctx)

  it('renders an inline template into a new nested file and reports its size', async () => {
    const out = await run({
      template: '# {{ title }} ({{ env.STAGE }})\n{% for s in vars.steps %}- {{ s }}\n{% endfor %}',
      path: 'docs/generated/README.md',
      vars: { title: 'Café', steps: ['lint', 'test'] },
    })
    const file = join(ws, 'docs/generated/README.md')
    expect(out).toEqual({ path: file, bytes: Buffer.byteLength(readFileSync(file)) })
    expect(readFileSync(file, 'utf8')).toBe('# Café (prod)\n- lint\n- test\n')
    expect(out.bytes).toBe(readFileSync(file, 'utf8').length + 1) // é takes two bytes
  })

  it('renders a template file from the workspace', async () => {
    writeFileSync(join(ws, 'report.liquid'), 'coverage: {{ pct }}%')
    const out = await run({ template_file: 'report.liquid', path: 'report.txt', vars: { pct: 87 } })
    expect(readFileSync(out.path, 'utf8')).toBe('coverage: 87%')
  })

  it('fails on an undefined variable, naming it, and writes nothing', async () => {
    await expect(run({ template: 'Hi {{ nmae }}', path: 'out.txt', vars: { name: 'x' } }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { variable: 'nmae' } })
    expect(existsSync(join(ws, 'out.txt'))).toBe(false)
  })

  it('writes a value that looks like a template literally, never rendering it twice', async () => {
    const out = await run({ template: '{{ v }}', path: 'v.txt', vars: { v: '{{ env.STAGE }}' } })
    expect(readFileSync(out.path, 'utf8')).toBe('{{ env.STAGE }}')
  })

  it('rejects output paths that leave the workspace, before writing anything', async () => {
    symlinkSync(join(base, 'outside'), join(ws, 'link'))
    for (const path of ['../outside/pwned.txt', join(base, 'outside/pwned.txt'), 'link/pwned.txt']) {
      await expect(run({ template: 'x', path })).rejects.toMatchObject({ code: 'VALIDATION' })
    }
    expect(existsSync(join(base, 'outside/pwned.txt'))).toBe(false)
  })

  it('rejects a template file outside the workspace', async () => {
    writeFileSync(join(base, 'outside/t.liquid'), 'secret')
    await expect(run({ template_file: '../outside/t.liquid', path: 'x.txt' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(run({ template_file: 'missing.liquid', path: 'x.txt' })).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('needs exactly one of template and template_file, and no unknown keys', () => {
    expect(() => parseStepParams('template', { path: 'x' })).toThrow(/exactly one of template or template_file/)
    expect(() => parseStepParams('template', { template: 'a', template_file: 'b', path: 'x' })).toThrow(/exactly one/)
    expect(() => parseStepParams('template', { template: 'a', path: 'x', mode: '0777' })).toThrow(/mode/)
  })
})
