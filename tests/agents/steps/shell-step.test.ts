import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseStepParams } from '../../../agents/steps/registry.js'
import { runShellStep } from '../../../agents/steps/shell-step.js'
import type { StepContext } from '../../../agents/steps/step-context.js'

const node = process.execPath
const printArgv = [node, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))']
const printEnv = [node, '-e', 'process.stdout.write(JSON.stringify(process.env))']

/** A process is gone when it no longer exists or is a zombie waiting for its (re)parent to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
async function waitGone(pid: number, ms = 20_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (!alive(pid)) return true
  }
  return false
}

describe('shell step', () => {
  let ws: string, ctx: StepContext
  beforeEach(() => {
    ws = realpathSync(mkdtempSync(join(tmpdir(), 'shell-step-')))
    ctx = { workspace: ws, env: {} }
  })
  afterEach(() => rmSync(ws, { recursive: true, force: true }))

  const run = (raw: unknown, c: StepContext = ctx) => runShellStep(parseStepParams('shell', raw), c)

  it('runs an argv in the workspace and captures stdout, stderr and the exit code', async () => {
    const out = await run({ run: [node, '-e', 'console.log(process.cwd()); console.error("warn")'] })
    expect(out).toMatchObject({ exit_code: 0, stdout: `${ws}\n`, stderr: 'warn\n', truncated: false, timed_out: false })
    expect(out.duration_ms).toBeGreaterThanOrEqual(0)
  })

  it('passes an injection attempt as one literal argument that never reaches a shell', async () => {
    const payloads = ['x; touch pwned1', '$(touch pwned2)', '`touch pwned3`', "' && touch pwned4 #", 'a\nb | sh']
    const out = await run({ run: [...printArgv, ...payloads] })
    expect(JSON.parse(out.stdout)).toEqual(payloads)
    const direct = await run({ run: ['echo', ...payloads] })
    expect(direct.stdout).toBe(`${payloads.join(' ')}\n`)
    for (const f of ['pwned1', 'pwned2', 'pwned3', 'pwned4']) expect(existsSync(join(ws, f))).toBe(false)
  })

  it('with shell: true and an argv, hands the values to the script as positional parameters', async () => {
    const evil = '$(touch pwned); `touch pwned`'
    const out = await run({ shell: true, run: ['printf "%s|%s" "$1" "$2"', evil, 'two words'] })
    expect(out.stdout).toBe(`${evil}|two words`)
    expect(existsSync(join(ws, 'pwned'))).toBe(false)
  })

  it('runs a string only with shell: true', async () => {
    expect(() => parseStepParams('shell', { run: 'echo hi' })).toThrow(/argv array unless shell: true/)
    expect((await run({ shell: true, run: 'echo $((1 + 2)) | tr 3 7' })).stdout).toBe('7\n')
  })

  it('gives the child only PATH, HOME, LANG and the allowlisted or explicit variables', async () => {
    process.env.SWITCHYARD_TEST_SECRET = 'hunter2'
    process.env.SWITCHYARD_TEST_SHARED = 'from-process'
    try {
      const bare = JSON.parse((await run({ run: printEnv })).stdout) as Record<string, string>
      expect(Object.keys(bare).sort()).toEqual(['HOME', 'LANG', 'PATH'])
      expect(JSON.stringify(bare)).not.toContain('hunter2')

      const c = { ...ctx, env: { FROM_WORKFLOW: 'wf', SWITCHYARD_TEST_SHARED: 'from-workflow' } }
      const listed = JSON.parse((await run({ run: printEnv, env: ['FROM_WORKFLOW', 'SWITCHYARD_TEST_SHARED', 'ABSENT'] }, c)).stdout)
      expect(listed).toMatchObject({ FROM_WORKFLOW: 'wf', SWITCHYARD_TEST_SHARED: 'from-workflow' })
      expect(Object.keys(listed)).not.toContain('SWITCHYARD_TEST_SECRET')
      expect(Object.keys(listed)).not.toContain('ABSENT')

      const allowed = JSON.parse((await run({ run: printEnv, env: ['SWITCHYARD_TEST_SECRET'] })).stdout)
      expect(allowed.SWITCHYARD_TEST_SECRET).toBe('hunter2')

      const explicit = JSON.parse((await run({ run: printEnv, env: { MODE: 'ci', LANG: 'C' } })).stdout)
      expect(explicit).toMatchObject({ MODE: 'ci', LANG: 'C' })
    } finally {
      delete process.env.SWITCHYARD_TEST_SECRET
      delete process.env.SWITCHYARD_TEST_SHARED
    }
  })

  it('caps each stream and flags the truncation', async () => {
    const out = await run({ run: [node, '-e', 'process.stdout.write("x".repeat(200000)); process.stderr.write("e".repeat(10))'], max_output_bytes: 1000 })
    expect(out.stdout).toBe('x'.repeat(1000))
    expect(out.stderr).toBe('e'.repeat(10))
    expect(out.truncated).toBe(true)
  })

  it('feeds stdin and runs in a cwd inside the workspace', async () => {
    mkdirSync(join(ws, 'pkg'))
    const out = await run({ run: [node, '-e', 'process.stdin.on("data", (d) => process.stdout.write(process.cwd() + ":" + d))'], stdin: 'hello', cwd: 'pkg' })
    expect(out.stdout).toBe(`${join(ws, 'pkg')}:hello`)
    await expect(run({ run: ['pwd'], cwd: '../' })).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('fails on a non-zero exit with the code and the stderr tail, unless allow_failure', async () => {
    const failing = [node, '-e', 'console.error("boom: tests failed"); process.exit(3)']
    await expect(run({ run: failing })).rejects.toMatchObject({
      name: 'AppError', code: 'INTERNAL', details: { exit_code: 3, timed_out: false, stderr_tail: 'boom: tests failed\n' },
    })
    expect(await run({ run: failing, allow_failure: true })).toMatchObject({ exit_code: 3, stderr: 'boom: tests failed\n' })
  })

  it('fails with INTERNAL when the program does not exist', async () => {
    await expect(run({ run: ['switchyard-no-such-program-xyz'] })).rejects.toMatchObject({ code: 'INTERNAL', details: { errno: 'ENOENT' } })
  })

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const out = await run({ shell: true, run: 'sleep 30 & echo $!; wait', timeout: '300ms', allow_failure: true })
    expect(out.timed_out).toBe(true)
    expect(out.exit_code).toBe(128 + 15) // SIGTERM
    expect(out.duration_ms).toBeLessThan(5_000)
    const grandchild = Number(out.stdout.trim())
    expect(grandchild).toBeGreaterThan(0)
    expect(await waitGone(grandchild)).toBe(true)
    await expect(run({ shell: true, run: 'sleep 30', timeout: 0.2 })).rejects.toMatchObject({ code: 'INTERNAL', details: { timed_out: true } })
  })

  it('uses the tighter of its own timeout and the step timeout from the compiler', async () => {
    const out = await run({ run: ['sleep', '30'], timeout: '1h', allow_failure: true }, { ...ctx, timeoutMs: 200 })
    expect(out.timed_out).toBe(true)
  })

  it('stops leftover background processes when the program exits', async () => {
    const out = await run({ shell: true, run: 'sleep 30 >/dev/null 2>&1 & echo $!' })
    expect(out.exit_code).toBe(0)
    expect(await waitGone(Number(out.stdout.trim()))).toBe(true)
  })

  it('on abort kills the group and throws CANCELLED', async () => {
    const ac = new AbortController()
    const pidFile = join(ws, 'pid')
    const started = run({ shell: true, run: `sleep 30 & echo $! > ${pidFile}; wait` }, { ...ctx, signal: ac.signal })
    for (const end = Date.now() + 30_000; !existsSync(pidFile) && Date.now() < end;) await new Promise((r) => setTimeout(r, 20))
    ac.abort()
    await expect(started).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(await waitGone(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(true)
  })
})
