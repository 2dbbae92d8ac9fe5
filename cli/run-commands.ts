import type { Command } from 'commander'
import type { LoadedGraphs } from '../graphs/graph-loader.js'
import { runLocally, type LocalRunRequest } from '../runtime/local-run.js'
import type { Runtime } from '../runtime/runtime.js'
import { createCliMapper, type RunOutcome, type RunResult } from './cli-events.js'
import { graphsOf, withRuntime, type GlobalOpts } from './context.js'
import { parseJsonFlag, UsageError } from './exit-codes.js'
import { createRenderer, exitCodeOf, type Out } from './render.js'

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

/** The result line: the run's settled status read together with the thread's state. */
async function resultOf(rt: Runtime, r: Awaited<ReturnType<typeof runLocally>>): Promise<RunResult> {
  const state = await rt.graph(r.graph).getState({ configurable: { thread_id: r.thread_id } })
  const interrupts = state.tasks.flatMap((t) => t.interrupts.map((i) => ({ id: i.id ?? '', node: t.name, value: i.value })))
  const status: RunOutcome = r.settled.status === 'error' ? 'error' : r.settled.status === 'interrupted' ? 'cancelled'
    : interrupts.length > 0 ? 'interrupted' : state.next.length > 0 ? 'paused' : 'success'
  return {
    type: 'result', status, run_id: r.run_id, thread_id: r.thread_id, graph: r.graph,
    checkpoint_id: (state.config.configurable?.checkpoint_id as string | undefined) ?? null,
    next: [...state.next], output: state.values, interrupts,
    ...(r.settled.error ? { error: r.settled.error } : {}),
  }
}

async function runAndRender(g: GlobalOpts, req: LocalRunRequest, json: boolean, out: Out, graphs?: LoadedGraphs): Promise<number> {
  return withRuntime(g, async (rt) => {
    const ac = new AbortController()
    const onSig = () => ac.abort()
    process.once('SIGINT', onSig)
    try {
      const render = createRenderer(out, json)
      let map: ReturnType<typeof createCliMapper> | undefined
      const r = await runLocally(rt, req, {
        onStart: (run) => { map = createCliMapper({ threadId: run.thread_id, graph: run.graph, kind: req.kind, model: rt.model.label }) },
        onEvent: (ev) => { for (const e of map?.(ev) ?? []) render(e) },
      }, ac.signal)
      const result = await resultOf(rt, r)
      render(result)
      return exitCodeOf(result)
    } finally {
      process.off('SIGINT', onSig)
    }
  }, req.kind !== 'input', graphs)
}

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
      setCode(await runAndRender(globals(cmd), { kind: 'input', graph, threadId: o.thread, input, pauseBefore: o.pauseBefore }, !!o.json, out, graphs))
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
      setCode(await runAndRender(globals(cmd), req, !!o.json, out))
    })

  program.command('replay <thread>').description('run again from a checkpoint (adds a new branch to history)')
    .requiredOption('--checkpoint <id>', 'checkpoint id (see history)')
    .option('--json', 'NDJSON events, one per line')
    .action(async (thread: string, o: { checkpoint: string; json?: boolean }, cmd: Command) => {
      setCode(await runAndRender(globals(cmd), { kind: 'replay', threadId: thread, checkpointId: o.checkpoint }, !!o.json, out))
    })
}
