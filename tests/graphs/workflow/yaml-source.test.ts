import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  formatFinding, loadWorkflowFile, loadWorkflowText, MAX_WORKFLOW_BYTES, parseYamlSource, type Finding,
} from '../../../graphs/workflow/yaml-source.js'

const WF = `# a workflow
name: demo
steps:
  - id: build
    type: shell
    with:
      command: npm run build
      argv: [npm, run, build]
  - id: test
    type: shell
    needs: build
    if: "steps.build.outputs.exit_code == 0"
`
const at = (f: Finding) => `${f.line}:${f.col} ${f.rule} ${f.path}: ${f.message}`
const failing = (text: string) => {
  const r = loadWorkflowText(text, 'wf.yaml')
  if (r.ok) throw new Error('expected findings')
  return r.findings.map(at)
}

describe('parseYamlSource', () => {
  const src = parseYamlSource(WF, 'wf.yaml')

  it('maps nested paths to 1-based line:col of the value', () => {
    expect(src.findings).toStrictEqual([])
    expect(src.locate(['name'])).toMatchObject({ line: 2, col: 7, found: true })
    expect(src.locate(['steps', 0, 'with', 'command'])).toMatchObject({ line: 7, col: 16, found: true })
    expect(src.locate(['steps', 0, 'with', 'argv', 2])).toMatchObject({ line: 8, col: 24, found: true })
    expect(src.locate(['steps', 1])).toMatchObject({ line: 9, col: 5, found: true })
    expect(src.locate(['steps', '1', 'needs'])).toMatchObject({ line: 11, col: 12, found: true })
  })

  it('points at the key with { key: true } and at the deepest existing node for a missing path', () => {
    expect(src.locate(['steps', 1, 'needs'], { key: true })).toMatchObject({ line: 11, col: 5 })
    expect(src.locate(['steps', 1, 'timeout', 'x'])).toStrictEqual({ line: 9, col: 5, found: false })
    expect(src.locate(['steps', 7])).toMatchObject({ line: 4, col: 3, found: false }) // the sequence's '-'
    expect(src.locate(['name', 'x'])).toMatchObject({ line: 2, col: 7, found: false })
  })

  it('knows where the text of a one-line scalar starts', () => {
    expect(src.locate(['steps', 1, 'if']).textCol).toBe(10)
    expect(src.locate(['steps', 0, 'with', 'command']).textCol).toBe(16)
    expect(src.locate(['steps', 0, 'with']).textCol).toBeUndefined()
  })

  it('resolves aliases and refuses an alias bomb', () => {
    const aliased = parseYamlSource('base: &b\n  x: 1\nuse: *b\n', 'a.yaml')
    expect(aliased.value).toStrictEqual({ base: { x: 1 }, use: { x: 1 } })
    expect(aliased.locate(['use', 'x'])).toMatchObject({ line: 2, col: 6, found: true })
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) =>
      `${k}: &${k} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n')
    const r = parseYamlSource(bomb, 'bomb.yaml')
    expect(r.value).toBeUndefined()
    expect(r.findings[0]).toMatchObject({ rule: 'yaml', severity: 'error', line: 1, col: 1 })
    expect(r.findings[0]?.message).toMatch(/alias/i)
  })
})

describe('loadWorkflowText', () => {
  it('returns the spec and its source for a valid file', () => {
    const r = loadWorkflowText(WF, 'wf.yaml')
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.spec.steps.map((s) => s.id)).toStrictEqual(['build', 'test'])
      expect(r.source.locate(['steps', 1, 'needs']).line).toBe(11)
    }
  })

  it('reports YAML syntax errors at their own position', () => {
    expect(failing('name: x\nsteps:\n  - id: a\n    type: b: c\n'))
      .toStrictEqual(['4:11 yaml : Nested mappings are not allowed in compact mappings'])
    expect(failing('name: x\n\tsteps: []\n')).toStrictEqual(['2:1 yaml : Tabs are not allowed as indentation'])
    // where the parser gives up: the end of the file
    expect(failing('name: demo\nsteps:\n  - id: "unclosed\n    type: shell\n')).toStrictEqual(['5:1 yaml : Missing closing "quote'])
    expect(failing('name: a\nsteps: []\nname: b\n')).toStrictEqual(['3:1 yaml : Map keys must be unique'])
    expect(failing('name: a\n---\nname: b\n')[0]).toMatch(/^2:1 yaml : .*multiple documents/)
  })

  it('maps schema errors to the deepest node on their path', () => {
    const text = WF.replace('    needs: build', '    needs: 5\n    comand: x').replace('  - id: test', '  - id: build')
    expect(failing(text)).toStrictEqual([
      "9:9 schema steps.1.id: duplicate step id 'build' (first at steps.0)",
      '11:12 schema steps.1.needs: expected string or array',
      "12:5 schema steps.1.comand: unknown key 'comand'",
    ])
    expect(failing('name: x\nsteps:\n  - id: a\n    with: {}\n')).toStrictEqual(["3:5 schema steps.0.type: missing required key 'type'"])
    expect(failing('name: x\nenv:\n  MY-VAR: 1\nsteps: [{ id: a, type: shell }]\n'))
      .toStrictEqual(["3:3 schema env.MY-VAR: invalid key 'MY-VAR': an environment variable name"])
  })

  it('moves an expression error column onto the file', () => {
    const [f] = failing(WF.replace('exit_code == 0', 'exit_code = 0'))
    expect(f).toBe("12:40 schema steps.1.if: invalid expression: '=' is not an operator; compare with '==' (column 31)")
  })

  it('keeps __proto__ an ordinary (unknown) key', () => {
    expect(failing('name: x\nsteps: [{ id: a, type: shell }]\n__proto__: { polluted: 1 }\n'))
      .toStrictEqual(["3:1 schema __proto__: unknown key '__proto__'"])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('reports an empty file as one finding', () => {
    expect(failing('# nothing\n')).toStrictEqual(['1:1 schema : empty workflow: expected a mapping with name and steps'])
  })
})

describe('loadWorkflowFile', () => {
  let dir: string
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sy-wf-')) })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a real file and names it in each finding', async () => {
    writeFileSync(join(dir, 'ok.yaml'), WF)
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\nsteps:\n  - id: a\n    type: shel\n')
    expect((await loadWorkflowFile(join(dir, 'ok.yaml'))).ok).toBe(true)
    const bad = await loadWorkflowFile(join(dir, 'bad.yaml'))
    expect(bad.ok ? [] : bad.findings.map(formatFinding)).toStrictEqual([
      `${join(dir, 'bad.yaml')}:4:11: error schema: Invalid option: expected one of "agent"|"shell"|"assert"|"template"|"webhook"|"human"|"workflow" (steps.0.type)`,
    ])
  })

  it('refuses a file past the size limit without parsing it', async () => {
    writeFileSync(join(dir, 'huge.yaml'), `name: x\n#${'x'.repeat(MAX_WORKFLOW_BYTES)}\n`)
    const r = await loadWorkflowFile(join(dir, 'huge.yaml'))
    expect(r.ok ? [] : r.findings.map(at)).toStrictEqual([`1:1 yaml : file larger than ${MAX_WORKFLOW_BYTES} bytes`])
  })

  it('turns an unreadable file into an io finding', async () => {
    const r = await loadWorkflowFile(join(dir, 'missing.yaml'))
    expect(r.ok ? [] : r.findings.map(formatFinding)).toStrictEqual([`${join(dir, 'missing.yaml')}:1:1: error io: cannot read workflow: ENOENT`])
  })
})
