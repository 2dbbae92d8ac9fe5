import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MemorySaver } from '@langchain/langgraph'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { compileWorkflow } from '../../graphs/workflow/compile-workflow.js'
import { validateWorkflowText } from '../../graphs/workflow/validate.js'
import { loadWorkflowText } from '../../graphs/workflow/yaml-source.js'
import { isAppError } from '../../store/app-error.js'
import { fuzzParams } from './fuzz-options.js'

const DIR = resolve(import.meta.dirname, '../../workflows')
const REFERENCE = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f) && !f.includes('.test.')).map((f) => ({ file: join(DIR, f), text: readFileSync(join(DIR, f), 'utf8') }))

const scalar = fc.oneof(
  fc.constantFrom('', '~', 'null', 'true', '0', '-1', '1e400', '{{ }}', '{{ steps.nope.outputs.x }}', '${{ inputs.x }}', '*alias', '&anchor', '!!binary x', '!tag',
    '"unterminated', "'", '- ', ': ', '#', '|', '>', '[', '{', '\t', '\u0000', '\uFEFF', 'é', '😀', 'shell', 'agent', 'human', 'for_each', 'loop', 'workflow', 'webhook'),
  fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(),
)
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 3 })),
})).v

/** A text mutation of a workflow's YAML: a line deleted, duplicated, re-indented or truncated, a character or token replaced. */
const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: scalar.map(String) }),
  fc.record({ kind: fc.constant('replace-token' as const), at: fc.nat(), text: scalar.map(String) }),
)
type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never

function applyText(text: string, m: TextMutation): string {
  const lines = text.split('\n')
  const i = m.at % lines.length
  switch (m.kind) {
    case 'delete-line': return lines.filter((_, j) => j !== i).join('\n')
    case 'duplicate-line': return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n')
    case 'indent': lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i]!.slice(-m.by); return lines.join('\n')
    case 'truncate': return text.slice(0, m.at % (text.length + 1))
    case 'insert': { const at = m.at % (text.length + 1); return text.slice(0, at) + m.text + text.slice(at) }
    case 'replace-token': {
      const tokens = [...text.matchAll(/[A-Za-z_][\w.-]*/g)]
      const t = tokens[m.at % tokens.length]!
      return text.slice(0, t.index) + m.text + text.slice(t.index + t[0].length)
    }
  }
}

/** A structural mutation: at a path picked among the parsed document's nodes, delete the key, replace the value, or rename the key. */
const treeMutation = fc.record({ pick: fc.nat(), op: fc.constantFrom('delete', 'replace', 'rename', 'wrap'), value, name: fc.oneof(fc.constantFrom('needs', 'if', 'with', 'type', 'id', 'outputs', 'retry', 'timeout', 'cache', 'for_each', 'steps', 'inputs'), fc.string({ maxLength: 8 })) })

function applyTree(text: string, m: typeof treeMutation extends fc.Arbitrary<infer T> ? T : never): string {
  const doc = parse(text) as unknown
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => { nodes.push({ parent: v, key: i }); walk(x) })
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { nodes.push({ parent: v as Record<string, unknown>, key: k }); walk(x) }
  }
  walk(doc)
  const n = nodes[m.pick % nodes.length]!
  const p = n.parent as Record<string | number, unknown>
  if (m.op === 'delete') {
    if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1)
    else delete p[n.key]
  } else if (m.op === 'replace') {
    p[n.key] = m.value
  } else if (m.op === 'wrap') {
    p[n.key] = [p[n.key]]
  } else if (!Array.isArray(n.parent)) {
    p[m.name] = p[n.key]
    delete p[n.key]
  }
  return stringify(doc)
}

const compileOpts = (file: string, source: Parameters<typeof compileWorkflow>[1]['source']) => ({
  file, source, deps: { checkpointer: new MemorySaver(), model: new OfflineChatModel(), modelLabel: 'offline', docs: { search: async () => [] } },
})

describe('fuzz: YAML workflow files (mutations of the reference workflows in workflows/)', () => {
  const stats = { cases: 0, loaded: 0, compiled: 0, compileErrors: 0, findings: 0, validateMs: 0, compileMs: 0 }

  it('the validator never throws and places every finding at file:line:col; a workflow it accepts compiles or fails with a typed error', () => {
    expect(REFERENCE.length).toBeGreaterThanOrEqual(5)
    const mutation = fc.oneof({ weight: 3, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 3 }).map((ms) => ({ text: ms })) }, { weight: 2, arbitrary: treeMutation.map((t) => ({ tree: t })) })
    fc.assert(fc.property(fc.constantFrom(...REFERENCE), mutation, ({ file, text }, m) => {
      const mutated = 'text' in m ? m.text.reduce(applyText, text) : applyTree(text, m.tree)
      stats.cases++
      let t0 = performance.now()
      const findings = validateWorkflowText(mutated, file)
      stats.validateMs += performance.now() - t0
      const lines = mutated.split('\n').length
      for (const f of findings) {
        const where = `${f.file}:${f.line}:${f.col} ${f.rule}: ${f.message}`
        expect(f.file, where).toBe(file)
        expect(Number.isInteger(f.line) && f.line >= 1 && f.line <= lines + 1, where).toBe(true)
        expect(Number.isInteger(f.col) && f.col >= 1, where).toBe(true)
        expect(['error', 'warning', 'info'], where).toContain(f.severity)
        expect(f.rule.length > 0 && f.message.length > 0, where).toBe(true)
      }
      stats.findings += findings.length
      const r = loadWorkflowText(mutated, file)
      if (!r.ok) {
        expect(findings.some((f) => f.severity === 'error'), 'a file that does not load has an error finding').toBe(true)
        return
      }
      stats.loaded++
      if (findings.some((f) => f.severity === 'error')) return
      t0 = performance.now()
      try {
        compileWorkflow(r.spec, compileOpts(file, r.source))
        stats.compiled++
      } catch (e) {
        stats.compileErrors++
        expect(isAppError(e), `compile threw an untyped ${String(e)} for a workflow the validator accepted:\n${mutated.slice(0, 400)}`).toBe(true)
        expect((e as Error).message, 'a compile error names the file').toContain(file)
      } finally {
        stats.compileMs += performance.now() - t0
      }
    }), fuzzParams(500))
    console.log(`yaml fuzz: ${stats.cases} mutated workflows, ${stats.findings} findings, ${stats.loaded} loaded, ${stats.compiled} compiled, ${stats.compileErrors} typed compile errors; validate ${Math.round(stats.validateMs)} ms, compile ${Math.round(stats.compileMs)} ms`)
  }, 300_000)
})
