import { describe, expect, it } from 'vitest'
import { renderDeep, renderTemplate, templateVariables } from '../../../agents/steps/liquid.js'
import { isAppError } from '../../../store/app-error.js'
import type { AppError } from '../../../store/app-error.js'

const scope = { inputs: { name: 'Ada', tags: ['a', 'b'] }, env: { STAGE: 'dev' }, steps: { build: { outputs: { stdout: 'ok' } } } }

function thrown(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    if (isAppError(e)) return e
    throw e
  }
  throw new Error('expected an AppError')
}

describe('renderTemplate', () => {
  it('renders inputs, env and step outputs with filters', () => {
    expect(renderTemplate('{{ inputs.name | upcase }}@{{ env.STAGE }}: {{ steps.build.outputs.stdout }} {{ inputs.tags | join: "," }}', scope))
      .toBe('ADA@dev: ok a,b')
  })

  it('fails on an undefined variable with VALIDATION naming the variable', () => {
    const e = thrown(() => renderTemplate('Hi {{ inputs.nmae }}', scope))
    expect(e.code).toBe('VALIDATION')
    expect(e.message).toBe('undefined template variable: inputs.nmae')
    expect(e.details).toMatchObject({ variable: 'inputs.nmae' })
  })

  it('fails on an unknown filter', () => {
    const e = thrown(() => renderTemplate('{{ inputs.name | shout }}', scope))
    expect(e.code).toBe('VALIDATION')
    expect(e.message).toContain('undefined filter: shout')
  })

  it('lets if and default handle an optional value', () => {
    expect(renderTemplate('{% if inputs.opt %}yes{% else %}no{% endif %}', scope)).toBe('no')
    expect(renderTemplate('{{ inputs.opt | default: "fallback" }}', scope)).toBe('fallback')
  })

  it('never reads templates from disk', () => {
    for (const src of ['{% include "/etc/passwd" %}', '{% render "../../package.json" %}', '{% layout "/etc/hosts" %}x']) {
      const e = thrown(() => renderTemplate(src, scope))
      expect(e.code).toBe('VALIDATION')
      expect(e.message).not.toContain('root:')
    }
  })

  it('reads own properties only, never the prototype chain', () => {
    const o = Object.create({ inherited: 'secret' }) as Record<string, unknown>
    o.own = 'visible'
    expect(renderTemplate('{{ o.own }}', { o })).toBe('visible')
    expect(thrown(() => renderTemplate('{{ o.inherited }}', { o })).details).toMatchObject({ variable: 'o.inherited' })
    expect(thrown(() => renderTemplate('{{ o.constructor }}', { o })).code).toBe('VALIDATION')
  })

  it('returns strings without markup untouched, braces and all', () => {
    expect(renderTemplate('a { b } c', {})).toBe('a { b } c')
  })
})

describe('renderDeep', () => {
  it('renders every string and keeps the rest, without touching the input', () => {
    const input = { run: ['echo', '{{ inputs.name }}'], timeout: 5, shell: false, nothing: null, env: { X: '{{ env.STAGE }}' } }
    const out = renderDeep(input, scope)
    expect(out).toEqual({ run: ['echo', 'Ada'], timeout: 5, shell: false, nothing: null, env: { X: 'dev' } })
    expect(input.run[1]).toBe('{{ inputs.name }}')
  })

  it('does not render a value a second time', () => {
    expect(renderDeep({ a: '{{ inputs.evil }}' }, { inputs: { evil: '{{ env.STAGE }}' } })).toEqual({ a: '{{ env.STAGE }}' })
  })
})

describe('templateVariables', () => {
  it('lists the dotted paths a template reads, in order, deduplicated', () => {
    expect(templateVariables('{{ inputs.name }} {{ steps.build.outputs.stdout | strip }} {{ inputs.name }}'))
      .toEqual(['inputs.name', 'steps.build.outputs.stdout'])
  })

  it('leaves out names the template binds itself', () => {
    const src = '{% for f in steps.ls.outputs.files %}{{ f.name }} {{ forloop.index }}{% endfor %}{% assign n = inputs.count %}{{ n }}{% capture c %}x{% endcapture %}{{ c }}'
    expect(templateVariables(src)).toEqual(['steps.ls.outputs.files', 'inputs.count'])
  })

  it('keeps literal bracket keys and stops at computed or numeric ones', () => {
    expect(templateVariables('{{ steps["unit-tests"].outputs.exit_code }} {{ inputs[env.KEY].x }} {{ inputs.list[0].y }}'))
      .toEqual(['steps.unit-tests.outputs.exit_code', 'inputs', 'inputs.list', 'env.KEY'])
  })

  it('reports variables inside tags and conditions too', () => {
    expect(templateVariables('{% if inputs.flag and env.CI == "true" %}{{ "x" }}{% endif %}')).toEqual(['inputs.flag', 'env.CI'])
  })

  it('throws VALIDATION on a template that does not parse', () => {
    expect(thrown(() => templateVariables('{% if %}')).code).toBe('VALIDATION')
  })
})
