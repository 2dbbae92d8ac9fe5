import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { RunRow } from '../../store/run-schema.js'
import { threadGraph, type CommandAnswer, type CommandContext } from './command-context.js'
import type { InputInjectParams } from './protocol-frames.js'
import { protocolFault } from './protocol-wire.js'
import { pendingInterrupts, queueRun, threadAssistant } from './run-commands.js'

// timers waiting for an interrupt's deadline are pending runs too, yet nothing is running
const isTimer = (run: RunRow) => (JSON.parse(run.kwargs) as { timer_for?: unknown }).timer_for !== undefined

/**
 * `input.inject`: unsolicited input — a chat message (`{role: 'user' | 'system', content, name?}`) for the
 * thread's `messages` channel — whatever the thread is doing. LangGraph cannot add input to a superstep in
 * flight, so the message goes in at the next step boundary a run can have: on an idle thread a run starts
 * at once with `{messages: [message]}`; while a run is in flight, that run is queued behind it (the
 * graph's next turn takes the message) — or, with `multitask_strategy: 'interrupt' | 'rollback'`, the run
 * in flight is stopped first, as for double-texting over HTTP. A thread waiting at an interrupt is
 * refused (`invalid_argument`, naming them): new input would drop the question, answer it with
 * `input.respond`. Only the root takes input (a subgraph's comes from its parent's task).
 * The result names the run and the message id (the message is the state's under that id).
 */
export async function injectInput(ctx: CommandContext, p: z.infer<typeof InputInjectParams>): Promise<CommandAnswer> {
  if (p.namespace && p.namespace.length > 0) {
    throw protocolFault('not_supported', `input.inject takes the root namespace ([]) only: a subgraph's input comes from its parent (got ${JSON.stringify(p.namespace)})`)
  }
  const graph = await threadGraph(ctx)
  if (!graph) throw protocolFault('no_such_run', `thread ${ctx.threadId} has no run to take input: start one with run.start`)
  if (!Object.hasOwn(ctx.rt.graph(graph).channels, 'messages')) {
    throw protocolFault('not_supported', `graph ${graph} has no messages channel for input.inject; send its input with run.start`)
  }
  const inflight = (await ctx.rt.runs.inflightRuns(ctx.threadId)).filter((r) => !isTimer(r))
  if (inflight.length === 0) {
    const pending = await pendingInterrupts(ctx)
    if (pending.length > 0) {
      throw protocolFault('invalid_argument', `thread ${ctx.threadId} is waiting at an interrupt: answer it with input.respond`, { details: { pending: pending.map((i) => i.id) } })
    }
  }
  const message = { ...p.message, id: typeof p.message.id === 'string' ? p.message.id : randomUUID() }
  const input = ctx.rt.registry.get(graph).parseInput({ messages: [message] })
  const { runId, meta } = await queueRun(ctx, {
    assistantId: await threadAssistant(ctx, graph), kind: 'input', input,
    metadata: { injected_message_id: message.id }, multitask: p.multitask_strategy ?? 'enqueue',
  })
  return { result: { run_id: runId, message_id: message.id, queued: inflight.length > 0 && (p.multitask_strategy ?? 'enqueue') === 'enqueue' }, meta }
}
