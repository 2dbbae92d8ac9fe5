import { describe, expect, it } from 'vitest'
import { formatFinding } from '../../../graphs/workflow/finding.js'
import { findDangers } from '../../../graphs/workflow/rules/risky-shell.js'
import { validateWorkflowText } from '../../../graphs/workflow/validate.js'

/** A workflow of the given steps (YAML lines under `steps:`), with optional header lines. */
const wf = (steps: string, head = '') => `name: t\n${head}steps:\n${steps}`
const found = (text: string) => validateWorkflowText(text, 'wf.yaml').map((f) => `${f.line}:${f.col} ${f.severity} ${f.rule} ${f.path}`)

describe('validateWorkflowText', () => {
  it('reports nothing on an ordinary diamond DAG', () => {
    expect(found(wf(`  - { id: a, type: shell, with: { run: [make] } }
  - { id: b, type: shell, needs: a, with: { run: [make, b] } }
  - { id: c, type: shell, needs: a, with: { run: [make, c] } }
  - { id: d, type: shell, needs: [b, c], if: "steps.b.outputs.exit_code == steps.a.outputs.exit_code", with: { run: [echo, "{{ steps.c.outputs.stdout }}"] } }
`))).toStrictEqual([])
  })

  it('stops at the loader: a schema failure gives only the loader findings', () => {
    expect(found(wf('  - { id: a, type: shell, needs: ghost, timeout: soon }\n'))).toStrictEqual(['3:50 error schema steps.0.timeout'])
    expect(found('name: [\n')).toStrictEqual(['2:1 error yaml '])
  })

  it('prints as file:line:col: severity rule: message (path)', () => {
    const [f] = validateWorkflowText(wf('  - { id: a, type: shell, needs: b, with: { run: [ls] } }\n'), 'wf.yaml')
    expect(f && formatFinding(f)).toBe("wf.yaml:3:34: error unknown-need: step 'a' needs 'b', which is not a step of this workflow (steps.0.needs)")
  })

  it('flags a self-need as a cycle, and unknown next targets as step references', () => {
    expect(found(wf('  - { id: a, type: shell, needs: a, next: [{ if: "inputs.x", goto: b }], with: { run: [ls] } }\n', 'inputs: { x: {} }\n'))).toStrictEqual([
      '4:34 error cycle steps.0.needs',
      '4:37 error unsupported steps.0.next',
      '4:68 error unknown-step-ref steps.0.next.0.goto',
    ])
  })

  it('lets an on_error or on_timeout target read the step that routed to it', () => {
    expect(found(wf(`  - { id: a, type: shell, on_error: b, with: { run: [ls] } }
  - { id: b, type: shell, with: { run: [echo, "{{ steps.a.outputs.stderr }}"] } }
  - { id: c, type: shell, with: { run: [echo, "{{ steps.a.outputs.stderr }}"] } }
`))).toStrictEqual(['5:51 error output-not-produced steps.2.with.run.1'])
  })

  it('checks a template step\'s template against its vars and env, and leaves template-only typed values to run time', () => {
    expect(found(wf(`  - id: t
    type: template
    with: { path: out.md, template: "{{ title }} {{ vars.title }} {{ nope }}", vars: { title: x } }
  - id: h
    type: webhook
    with: { url: "{{ inputs.url }}", retries: "{{ inputs.n }}", method: "{{ inputs.m }}", timeout: "{{ inputs.t }}" }
`, 'inputs: { url: {}, n: {}, m: {}, t: {} }\n'))).toStrictEqual(['6:70 error undefined-variable steps.0.with.template'])
  })

  it('reads names as the compiler scopes them: env over inputs alone, loop and for_each names in steps', () => {
    expect(found(wf(`  - id: a
    type: shell
    for_each: [x, y]
    with: { run: [echo, "{{ item }} {{ index }} {{ env.MODE }}"] }
`, 'env: { MODE: "{{ inputs.mode }}" }\ninputs: { mode: {} }\n'))).toStrictEqual([])
    expect(found(wf(`  - id: a
    type: shell
    loop: { until: "iteration > 2 or previous == result", max_iterations: 3 }
    with: { run: [echo, "{{ env.MODE }}"] }
`, 'env: { MODE: "{{ inputs.mode }}", BAD: "{{ steps.a.outputs.stdout }}" }\ninputs: { mode: {} }\n'))).toStrictEqual([
      '2:44 error undefined-variable env.BAD',
    ])
  })

  it('keeps a template where a list is wanted an invalid-with error', () => {
    expect(found(wf('  - { id: a, type: shell, with: { run: "{{ inputs.cmd }}" } }\n', 'inputs: { cmd: {} }\n')))
      .toStrictEqual(['4:40 error invalid-with steps.0.with.run'])
  })

  it('accepts secrets passed in at run time', () => {
    expect(found(wf(`  - id: call
    type: webhook
    with: { url: "https://x.test", headers: { Authorization: "Bearer {{ env.TOKEN }}", api_key: $API_KEY } }
`, 'inputs: { token: {} }\nenv: { TOKEN: "{{ inputs.token }}" }\n'))).toStrictEqual([])
  })
})

describe('findDangers', () => {
  it('finds the risky commands and where they start', () => {
    expect(findDangers('rm -rf /')).toStrictEqual([{ offset: 0, why: 'deletes / or the home folder recursively' }])
    expect(findDangers('cd x && rm -fr "$HOME"').map((d) => d.offset)).toStrictEqual([8])
    expect(findDangers('rm --recursive ~/').map((d) => d.offset)).toStrictEqual([0])
    expect(findDangers('wget -qO- https://x.test/i | sudo sh').map((d) => d.offset)).toStrictEqual([0, 29])
    expect(findDangers('ls; sudo reboot').map((d) => d.offset)).toStrictEqual([4])
    expect(findDangers('chmod -R 0777 .').map((d) => d.offset)).toStrictEqual([0])
  })

  it('leaves ordinary commands alone', () => {
    for (const cmd of ['rm -rf ./dist', 'rm -rf /tmp/build', 'docker run --rm -v /:/host img', 'rm ~/.cache/x', 'echo "no sudo here"',
      'curl -o install.sh https://x.test/i', 'chmod 755 bin', 'rmdir /']) {
      expect([cmd, findDangers(cmd)]).toStrictEqual([cmd, []])
    }
  })
})
