import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import type { Finding } from '../graphs/workflow/finding.js'
import type { TestReport } from '../graphs/workflow/workflow-test-report.js'
import { isAppError } from '../store/app-error.js'
import { EXIT, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const FORMATS = ['text', 'json'] as const
const STORES = ['memory', 'sqlite'] as const

/** A folder stands for the `*.test.yaml` files directly inside it. */
async function expand(paths: readonly string[]): Promise<string[]> {
  const { isWorkflowTestFile } = await import('../graphs/workflow/workflow-test-schema.js')
  const out: string[] = []
  for (const p of paths) {
    const isDir = await stat(p).then((s) => s.isDirectory(), () => false)
    if (!isDir) { out.push(p); continue }
    out.push(...(await readdir(p)).filter(isWorkflowTestFile).sort().map((n) => join(p, n)))
  }
  return out
}

/**
 * `switchyard test <files...> [--format text|json] [--store memory|sqlite] [--only text]`: runs
 * workflow tests (`*.test.yaml`; a folder means those inside it) with mocked steps and scripted
 * human answers. Exit 0 when every case passed, 1 when a case failed, 2 when a test file (or the
 * workflow it names) is invalid: its findings are printed as `file:line:col: error rule: message`,
 * and the other files still run.
 */
export function registerTestCommand(program: Command, out: Out, setCode: (n: number) => void) {
  program.command('test <files...>').description('run workflow tests (*.test.yaml): mocked steps, scripted human answers, expected outputs')
    .option('--format <format>', 'text or json', 'text')
    .option('--store <store>', 'checkpointer: memory, or sqlite (KyselySaver on a temp file, step cache on)', 'memory')
    .option('--only <text>', 'run only the cases whose name contains this')
    .action(async (paths: string[], o: { format: string; store: string; only?: string }) => {
      if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`--format must be text or json, got "${o.format}"`)
      if (!(STORES as readonly string[]).includes(o.store)) throw new UsageError(`--store must be memory or sqlite, got "${o.store}"`)
      const [{ formatTestReport, reportCounts }, { runWorkflowTest }] = await Promise.all([
        import('../graphs/workflow/workflow-test-report.js'), import('../graphs/workflow/workflow-test-runner.js'),
      ])
      const files = await expand(paths)
      if (files.length === 0) throw new UsageError(`no workflow test files (*.test.yaml) in ${paths.join(', ')}`)
      const report: TestReport = { results: [], invalid: [] }
      for (const file of files) {
        try {
          report.results.push(await runWorkflowTest(file, { store: o.store as (typeof STORES)[number], ...(o.only ? { only: o.only } : {}) }))
        } catch (e) {
          const findings = isAppError(e) && Array.isArray(e.details?.findings) ? e.details.findings as Finding[] : undefined
          if (!findings) throw e
          report.invalid.push({ file, findings })
        }
      }
      if (o.format === 'json') out.write(`${JSON.stringify({ ...report, summary: reportCounts(report) }, null, 2)}\n`)
      else out.write(formatTestReport(report))
      const n = reportCounts(report)
      setCode(n.invalid > 0 ? EXIT.USAGE : n.failed > 0 ? EXIT.FAILED : EXIT.OK)
    })
}
