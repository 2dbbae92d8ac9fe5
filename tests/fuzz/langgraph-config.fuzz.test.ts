import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { loadLangGraphProject, readLangGraphConfig } from '../../graphs/langgraph-config.js'
import { IGNORED_KEYS, REFUSED_KEYS } from '../../graphs/langgraph-config-schema.js'
import { isAppError } from '../../store/app-error.js'
import { fuzzParams } from './fuzz-options.js'

const HONOURED = ['graphs', 'env', 'dependencies', 'node_version', 'node_loader', 'auth', 'http', 'store', 'checkpointer']

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module" }',
  'src/graph.ts': `import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
const S = Annotation.Root({ n: Annotation<number> })
export const graph = new StateGraph(S).addNode('a', (s: typeof S.State) => ({ n: s.n + 1 })).addEdge(START, 'a').addEdge('a', END).compile()
export const notAGraph = { invoke: 1 }
`,
  'src/bad.ts': 'export const graph = (((\n',
  'src/throws.ts': 'throw new Error("module fails at import")\nexport const graph = 1\n',
  'src/plain.js': 'export const notAGraph = 42\n',
  '.env': 'A=1\nB="two"\n# comment\nbad line\n',
}

const str = fc.oneof(fc.constantFrom('', ' ', './src/graph.ts:graph', './src/graph.ts:', './src/graph.ts:nope', './src/graph.ts:notAGraph', './src/missing.ts:graph',
  './src/bad.ts:graph', './src/throws.ts:graph', './src/plain.js:notAGraph', '../../../../etc/passwd:x', '/dev/null:x', 'src/graph.ts', ':', '::', '.env', 'missing.env',
  'openai:text-embedding-3-small', 'tsx', '20', '18', 'delete', '*', '\u0000', '😀'), fc.string({ maxLength: 16 }))
const any: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(str, tie('v'), { maxKeys: 3 })),
})).v
const graphs = fc.dictionary(fc.oneof(fc.constantFrom('g', 'team', '', 'a b', '__proto__', 'constructor'), fc.string({ maxLength: 8 })),
  fc.oneof(str, fc.record({ path: str, description: fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { nil: undefined }) }, { requiredKeys: ['path'] }), any), { maxKeys: 3 })
const key = fc.constantFrom(...HONOURED, ...IGNORED_KEYS, ...Object.keys(REFUSED_KEYS), 'graph', 'Graphs', '')
const config = fc.oneof(
  { weight: 6, arbitrary: fc.record({ graphs, extra: fc.dictionary(key, any, { maxKeys: 3 }) }).map(({ graphs: g, extra }) => JSON.stringify({ graphs: g, ...extra })) },
  { weight: 2, arbitrary: fc.dictionary(key, any, { maxKeys: 4 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('{', '{"graphs":{"g":"./src/graph.ts:graph"},}', '\uFEFF{"graphs":{}}', '[]', 'null')) },
)

describe('fuzz: langgraph.json files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-fuzz-lgjson-'))
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir')
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, p, '..'), { recursive: true })
    writeFileSync(join(dir, p), text)
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const stats = { cases: 0, read: 0, loaded: 0, loadErrors: 0 }

  it('a config is read or refused with a typed error naming the file; one that reads loads its graphs or fails typed', async () => {
    const file = join(dir, 'langgraph.json')
    let loads = 0
    await fc.assert(fc.asyncProperty(config, async (text) => {
      writeFileSync(file, text)
      stats.cases++
      let ok = false
      try {
        await readLangGraphConfig(file)
        ok = true
        stats.read++
      } catch (e) {
        expect(isAppError(e) && e.code !== 'INTERNAL', `${String(e)} for ${text.slice(0, 300)}`).toBe(true)
        expect((e as Error).message, 'the error names the file').toContain(file)
      }
      // importing graph modules costs: a bounded number of the configs that read are loaded for real
      if (!ok || loads >= 60) return
      loads++
      try {
        await loadLangGraphProject(file, { env: {} })
        stats.loaded++
      } catch (e) {
        stats.loadErrors++
        expect(isAppError(e) && e.code !== 'INTERNAL', `loading threw ${String(e)} for ${text.slice(0, 300)}`).toBe(true)
      }
    }), fuzzParams(1_000))
    console.log(`langgraph.json fuzz: ${stats.cases} configs, ${stats.read} read, ${stats.loaded} loaded, ${stats.loadErrors} typed load errors`)
  }, 300_000)
})
