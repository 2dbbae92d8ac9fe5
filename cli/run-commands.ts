import type { Command } from 'commander'
import type { LocalRunRequest } from '../runtime/local-run.js'
import { graphsOf, type GlobalOpts } from './context.js'
import { parseJsonFlag, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

// the run itself (runtime, graphs, renderer) is imported when a run command runs
const runAction = () => import('./run-action.js')

/** `--input TEXT|JSON`: a JSON object is the input; anything else is the task text. */
export function parseInput(text: string): unknown {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return parseJsonFlag('--input', trimmed)
  return { task: text }
}

interface ResumeFlags { approve?: boolean; reject?: string; amend?: string; value?: string }

/** The resume value from exactly one of the decision flags; none means "continue after a pause or crash". */
export function resumeValue(f: ResumeFlags): { value: unknown } | null {
  const given = (['approve', 'reject', 'amend', 'value'] as const).filter((k) => f[k] !== undefined)
  if (given.length > 1) throw new UsageError(`give one of --approve, --reject, --amend, --value (got ${given.map((g) => `--${g}`).join(', ')})`)
  if (f.approve) return { value: { action: 'approve' } }
  if (f.reject !== undefined) {
    if (!f.reject.trim()) throw new UsageError('--reject needs a reason')
    return { value: { action: 'reject', reason: f.reject } }
  }
  if (f.amend !== undefined) return { value: { action: 'amend', artifact: parseJsonFlag('--amend', f.amend) } }
  if (f.value !== undefined) return { value: parseJsonFlag('--value', f.value) }
  return null
}

async function readStdin(): Promise<string> {
  let s = ''
  for await (const chunk of process.stdin) s += String(chunk)
  return s
}

const list = (v: string, prev: string[] = []) => prev.concat(v.split(',').map((s) => s.trim()).filter(Boolean))

export function registerRunCommands(program: Command, out: Out, setCode: (n: number) => void) {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>()

  program.command('run <graph>').description('run a graph on a new (or given) thread')
    .option('--input <text|json>', 'the task text, or a JSON input object')
    .option('--thread <id>', 'thread id (default: a new one)')
    .option('--pause-before <nodes>', 'pause before these nodes (comma-separated, repeatable)', list)
    .option('--json', 'NDJSON events, one per line')
    .action(async (graph: string, o: { input?: string; thread?: string; pauseBefore?: string[]; json?: boolean }, cmd: Command) => {
      const text = o.input ?? (process.stdin.isTTY ? undefined : await readStdin())
      if (text === undefined || !text.trim()) throw new UsageError('run needs --input TEXT|JSON (or the input on stdin)')
      // unknown graph or bad input: fail before opening (or creating) the database
      const graphs = await graphsOf(globals(cmd))
      const input = parseInput(text)
      // checked here, before the database is opened; the run parses it again when it is queued
      graphs.registry.get(graph).parseInput(input)
      setCode(await (await runAction()).runAndRender(globals(cmd), { kind: 'input', graph, threadId: o.thread, input, pauseBefore: o.pauseBefore }, !!o.json, out, graphs))
    })

  program.command('resume <thread>').description('answer an interrupt, or continue a paused, cancelled or crashed run')
    .option('--approve', 'approve the pending gate')
    .option('--reject <reason>', 'reject the pending gate with a reason')
    .option('--amend <json>', 'replace the pending artifact with this JSON')
    .option('--value <json>', 'resume with any JSON value')
    .option('--pause-before <nodes>', 'pause before these nodes', list)
    .option('--json', 'NDJSON events, one per line')
    .action(async (thread: string, o: ResumeFlags & { json?: boolean; pauseBefore?: string[] }, cmd: Command) => {
      const v = resumeValue(o)
      const req: LocalRunRequest = v ? { kind: 'resume', threadId: thread, value: v.value, pauseBefore: o.pauseBefore } : { kind: 'continue', threadId: thread, pauseBefore: o.pauseBefore }
      setCode(await (await runAction()).runAndRender(globals(cmd), req, !!o.json, out))
    })

  program.command('replay <thread>').description('run again from a checkpoint (adds a new branch to history)')
    .requiredOption('--checkpoint <id>', 'checkpoint id (see history)')
    .option('--json', 'NDJSON events, one per line')
    .action(async (thread: string, o: { checkpoint: string; json?: boolean }, cmd: Command) => {
      setCode(await (await runAction()).runAndRender(globals(cmd), { kind: 'replay', threadId: thread, checkpointId: o.checkpoint }, !!o.json, out))
    })
}
