import type { LoadedGraphs } from '../graphs/graph-loader.js'
import { runLocally, type LocalRunRequest } from '../runtime/local-run.js'
import type { Runtime } from '../runtime/runtime.js'
import { createCliMapper, type RunOutcome, type RunResult } from './cli-events.js'
import { dbPathOf, withRuntime, type GlobalOpts } from './context.js'
import { debuggerUrlOf } from './debugger-url.js'
import { createRenderer, exitCodeOf, type Out } from './render.js'

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

/** Runs one request in this process, rendering its events as they are logged; the exit code of its outcome. */
export async function runAndRender(g: GlobalOpts, req: LocalRunRequest, json: boolean, out: Out, graphs?: LoadedGraphs): Promise<number> {
  return withRuntime(g, async (rt) => {
    const ac = new AbortController()
    const onSig = () => ac.abort()
    process.once('SIGINT', onSig)
    try {
      const render = createRenderer(out, json)
      let map: ReturnType<typeof createCliMapper> | undefined
      const r = await runLocally(rt, req, {
        onStart: (run) => {
          map = createCliMapper({ threadId: run.thread_id, graph: run.graph, kind: req.kind, model: rt.model.label })
          // a server serving this database: where to watch (and answer) the thread in the browser; stderr keeps --json's stdout NDJSON
          const url = debuggerUrlOf(dbPathOf(g), run.thread_id)
          if (url) process.stderr.write(`switchyard: debugger ${url}\n`)
        },
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

