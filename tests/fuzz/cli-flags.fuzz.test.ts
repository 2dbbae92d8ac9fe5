import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CommanderError } from 'commander'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, reportError } from '../../cli/exit-codes.js'
import { buildProgram } from '../../cli/main.js'
import { openRuntime } from '../../runtime/runtime.js'
import { isAppError } from '../../store/app-error.js'
import { runCli, tempDb } from '../cli/cli-harness.js'
import { runSdlcToFirstGate } from '../server/server-harness.js'
import { fuzzParams } from './fuzz-options.js'

const garbage = fc.oneof(fc.constantFrom('', ' ', '-', '--', '-1', '0', '1e999', 'NaN', '65536', '{', '{}', '[]', '{"a":', 'null', '"x"', '*', '%', '\u0000', 'é', '😀', '--json', '--db', 'a'.repeat(2000)), fc.string({ maxLength: 16 }), fc.integer().map(String))

/** Commands and their flags, each with values that are valid, boundary or garbage. Not `serve` with good flags: it would serve until a signal. */
const argv = (t: { db: string; dir: string; thread: string; checkpoint: string; file: string }) => {
  const v = (...good: string[]) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: garbage })
  const thread = v(t.thread, randomUUID())
  const commands: fc.Arbitrary<string[]>[] = [
    fc.tuple(fc.constant('graphs')),
    fc.tuple(fc.constant('graph'), v('team', 'sdlc', 'chat', 'nope'), fc.constant('--format'), v('mermaid', 'json', 'ascii')),
    fc.tuple(fc.constant('threads'), fc.constantFrom('--json', '')),
    fc.tuple(fc.constant('history'), thread, fc.constant('--limit'), v('1', '10', '0', '-5')),
    fc.tuple(fc.constant('fork'), thread, fc.constant('--checkpoint'), v(t.checkpoint), fc.constant('--update'), v('{"task":"x"}', '{}', '[1]'), fc.constant('--as-node'), v('analyst', 'nope')),
    fc.tuple(fc.constant('cancel'), thread),
    fc.tuple(fc.constant('replay'), thread, fc.constant('--checkpoint'), v(t.checkpoint)),
    fc.tuple(fc.constant('resume'), thread, fc.constantFrom('--approve', '--reject', '--amend', '--value'), v('{"a":1}', 'no reason', '[]')),
    fc.tuple(fc.constant('run'), v('chat', 'nope', 'sdlc'), fc.constant('--input'), v('hello', '{"task":"x"}', '{"messages":5}'), fc.constantFrom('--pause-before', '--thread'), v('analyst', randomUUID(), '')),
    fc.tuple(fc.constant('rag'), fc.constant('query'), v('checkpoint'), fc.constant('--k'), v('1', '5', '0', '-1'), fc.constant('--mode'), v('lexical', 'hybrid', 'vector'), fc.constant('--filter'), v('{}', '{"source":"x"}', '[]')),
    fc.tuple(fc.constant('rag'), fc.constantFrom('list', 'delete'), fc.constantFrom('--collection', '--tenant', '--source', '--id'), v('default', 'tenantA', '1')),
    fc.tuple(fc.constant('rag'), fc.constant('ingest'), v(join(t.dir, 'missing'), t.file), fc.constantFrom('--chunk-size', '--chunk-overlap', '--collection'), v('200', '0', '-1', '99999999')),
    fc.tuple(fc.constant('validate'), v(t.file, join(t.dir, 'missing.yaml')), fc.constant('--format'), v('text', 'json', 'sarif', 'github')),
    fc.tuple(fc.constant('cache'), fc.constant('clear'), fc.constant('--workflow'), v('team', 'nope')),
    fc.tuple(fc.constant('test'), v(join(t.dir, 'missing.test.yaml'), t.file), fc.constant('--format'), v('text', 'json', 'junit')),
    fc.tuple(fc.constant('serve'), fc.constantFrom('--port', '--concurrency', '--shutdown-grace'), fc.constantFrom('-1', '65536', 'x', '0.5', '1e3', '', '99999999999')),
    fc.tuple(garbage, garbage),
  ]
  return fc.tuple(fc.oneof(...commands), fc.array(garbage, { maxLength: 2 }), fc.boolean()).map(([cmd, extra, withExtra]) =>
    ['--db', t.db, ...cmd.filter((a) => a !== ''), ...(withExtra ? extra : [])])
}

describe('fuzz: CLI flags', () => {
  const t = { ...tempDb(), thread: randomUUID(), checkpoint: '', file: '' }
  const stats = { cases: 0, ok: 0, usage: 0, failed: 0, outputBytes: 0 }
  beforeAll(async () => {
    const rt = await openRuntime({ dbPath: t.db, env: { SWITCHYARD_MODEL: 'offline' } })
    await runSdlcToFirstGate(rt, t.thread)
    t.checkpoint = (await rt.runs.headCheckpointId(t.thread))!
    await rt.close()
    t.file = join(t.dir, 'wf.yaml')
    writeFileSync(t.file, 'name: fuzz\nsteps:\n  - id: a\n    type: shell\n    with: { run: [echo, hi] }\n')
  })
  afterAll(() => t.cleanup())

  it('in process: every command line parses to a result, a usage error or a typed failure — never an untyped INTERNAL error', async () => {
    await fc.assert(fc.asyncProperty(argv(t), async (args) => {
      let err = ''
      let code: number = EXIT.OK
      const program = buildProgram({ write: (s) => { stats.outputBytes += s.length }, isTTY: false }, (s) => { err += s }, (n) => { code = n })
      stats.cases++
      try {
        await program.parseAsync(['node', 'switchyard', ...args])
        stats.ok++
      } catch (e) {
        if (e instanceof CommanderError) {
          stats.usage++
          return
        }
        const shown = `${args.map((a) => a.slice(0, 40)).join(' ')} → ${String(e).slice(0, 300)}`
        expect(e instanceof Error && (e.name === 'UsageError' || (isAppError(e) && e.code !== 'INTERNAL')), shown).toBe(true)
        code = reportError(e, (s) => { err += s })
        expect([EXIT.USAGE, EXIT.FAILED], shown).toContain(code)
        expect(err.trim().split('\n').at(-1), shown).toMatch(/^switchyard: /)
        stats.failed++
      }
      expect(Object.values(EXIT), `exit code of ${args.join(' ').slice(0, 200)}`).toContain(code)
    }), fuzzParams(300))
    console.log(`cli fuzz: ${stats.cases} command lines in process: ${stats.ok} ran, ${stats.usage} commander usage errors, ${stats.failed} typed failures, ${stats.outputBytes} bytes of output`)
  }, 300_000)

  it('the compiled bin, a bounded number of times: a bad command line exits non-zero with one line on stderr and no stack', async () => {
    const lines = fc.sample(argv(t).filter((a) => a[2] !== 'run' && a[2] !== 'serve'), { seed: 42, numRuns: 3 })
    for (const args of [...lines, ['--db', t.db, 'serve', '--port', '70000'], ['--db', t.db, 'history', '--limit', 'x', t.thread]]) {
      const r = await runCli(args)
      const shown = `${args.join(' ').slice(0, 200)} → ${r.code}: ${r.stderr.slice(0, 300)}`
      expect(r.code, shown).not.toBeNull()
      expect(r.stderr, shown).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)
      if (r.code !== 0) expect(r.stderr.trim().split('\n').at(-1), shown).toMatch(/^switchyard: /)
    }
  }, 120_000)
})
