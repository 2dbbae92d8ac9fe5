import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import type { Finding } from '../graphs/workflow/finding.js'
import { EXIT, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const FORMATS = ['text', 'json', 'sarif'] as const
type Format = (typeof FORMATS)[number]

/**
 * A folder stands for the workflow files directly inside it. Workflow tests (`*.test.yaml`, checked
 * by `switchyard test`) are left out, also when a glob such as `workflows/*.yaml` names them.
 */
async function expand(paths: readonly string[]): Promise<string[]> {
  const { isWorkflowFile } = await import('../graphs/workflow/workflow-registry.js')
  const out: string[] = []
  for (const p of paths) {
    const isDir = await stat(p).then((s) => s.isDirectory(), () => false)
    if (!isDir) { if (!/\.test\.ya?ml$/i.test(p)) out.push(p); continue }
    const names = (await readdir(p)).filter(isWorkflowFile).sort()
    out.push(...names.map((n) => join(p, n)))
  }
  return out
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The text summary: `2 files: 1 error, 0 warnings, 1 info`. */
export function summaryLine(files: number, findings: readonly Finding[]): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length
  return `${plural(files, 'file')}: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`
}

/**
 * `switchyard validate <files...> [--format text|json|sarif]`: every finding of every workflow
 * (a folder means its YAML files). Exit 1 when any finding is an error, else 0 (warnings and
 * hints alone pass). A missing or unreadable file is an `io` error finding, reported with the
 * others rather than aborting, so one run always covers every file; a bad flag exits 2.
 */
export function registerValidateCommand(program: Command, out: Out, setCode: (n: number) => void) {
  program.command('validate <files...>').description('check workflow files: schema, references, cycles, risky shell, secrets')
    .option('--format <format>', 'text, json or sarif', 'text')
    .action(async (paths: string[], o: { format: string }) => {
      if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`--format must be text, json or sarif, got "${o.format}"`)
      const format = o.format as Format
      const [{ formatFinding }, { toSarif }, { hasErrors, validateWorkflowFile }] = await Promise.all([
        import('../graphs/workflow/finding.js'), import('../graphs/workflow/sarif.js'), import('../graphs/workflow/validate.js'),
      ])
      const files = await expand(paths)
      const findings: Finding[] = []
      for (const f of files) findings.push(...await validateWorkflowFile(f))
      if (format === 'json') out.write(`${JSON.stringify(findings, null, 2)}\n`)
      else if (format === 'sarif') out.write(`${JSON.stringify(toSarif(findings), null, 2)}\n`)
      else out.write(`${[...findings.map(formatFinding), summaryLine(files.length, findings)].join('\n')}\n`)
      setCode(hasErrors(findings) ? EXIT.FAILED : EXIT.OK)
    })
}
