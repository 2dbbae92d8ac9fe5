import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, tempDb } from './cli-harness.js'

describe('bad flags, graphs, threads and checkpoints: one line on stderr, exit 2, nothing written', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())
  let thread = ''
  let snapshot = ''

  beforeAll(async () => {
    const r = await runCli(['run', 'sdlc', '--input', 'a todo app', '--db', t.db, '--json'])
    thread = resultOf(r).thread_id
    snapshot = (await runCli(['history', thread, '--db', t.db, '--json'])).stdout
  })

  const cases: [string, string[], RegExp][] = [
    ['unknown graph', ['run', 'nope', '--input', 'x'], /unknown graph "nope"/],
    ['missing input (stdin empty)', ['run', 'team'], /needs --input/],
    ['input that is not JSON', ['run', 'team', '--input', '{bad'], /--input is not valid JSON/],
    ['input failing the schema', ['run', 'team', '--input', '{"task":""}'], /task must not be empty/],
    ['unknown option', ['run', 'team', '--input', 'x', '--bogus'], /unknown option '--bogus'/],
    ['unknown command', ['explode'], /unknown command 'explode'/],
    ['unknown thread', ['resume', 'no-such-thread', '--approve'], /unknown thread no-such-thread/],
    ['two decisions', ['resume', '%T', '--approve', '--reject', 'x'], /give one of/],
    ['amend that is not JSON', ['resume', '%T', '--amend', '{'], /--amend is not valid JSON/],
    ['empty reject reason', ['resume', '%T', '--reject', ' '], /needs a reason/],
    ['continue while waiting on a gate', ['resume', '%T'], /waiting on an interrupt/],
    ['unknown checkpoint (replay)', ['replay', '%T', '--checkpoint', 'nope'], /unknown checkpoint nope/],
    ['unknown checkpoint (fork)', ['fork', '%T', '--checkpoint', 'nope', '--update', '{}'], /unknown checkpoint nope/],
    ['fork update not an object', ['fork', '%T', '--checkpoint', 'nope', '--update', '[1]'], /must be a JSON object/],
    ['unknown pause node', ['run', 'team', '--input', 'x', '--pause-before', 'ghost'], /has no node "ghost"/],
    ['bad graph format', ['graph', 'team', '--format', 'png'], /--format must be mermaid or json/],
    ['bad --k', ['rag', 'query', 'x', '--k', '0'], /--k must be an integer >= 1, got "0"/],
    ['missing rag path', ['rag', 'ingest', '/no/such/path'], /no\/such\/path/],
  ]

  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runCli([...args.map((a) => a.replace('%T', thread)), '--db', t.db])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^switchyard: /)
  })

  it('left the stored thread exactly as it was', async () => {
    expect((await runCli(['history', thread, '--db', t.db, '--json'])).stdout).toBe(snapshot)
    const threads = JSON.parse((await runCli(['threads', '--db', t.db, '--json'])).stdout) as unknown[]
    expect(threads).toHaveLength(1)
  })

  it('never creates a database for a command on an unknown one', async () => {
    const other = `${t.dir}/other.db`
    const r = await runCli(['history', 'x', '--db', other])
    expect(r.code).toBe(2)
    expect(existsSync(other)).toBe(false)
    const g = await runCli(['run', 'nope', '--input', 'x', '--db', other])
    expect(g.code).toBe(2)
    expect(existsSync(other)).toBe(false)
  })

  it('a --db whose folder cannot be created ends with one line and exit 2, not a hang', async () => {
    // Node's recursive mkdirSync loops for ever under /proc (every mkdir there answers ENOENT)
    for (const args of [['run', 'team', '--input', 'x'], ['threads']]) {
      const r = await runCli([...args, '--db', '/proc/switchyard-nope/x.db'])
      expect(r.code, r.stdout + r.stderr).toBe(2)
      expect(r.stderr).toMatch(/^switchyard: cannot create the directory \/proc\/switchyard-nope: /)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    const file = `${t.dir}/a-file`
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'x'))
    const r = await runCli(['threads', '--db', `${file}/x.db`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/a-file is not a directory/)
  })
})
