import type { z } from 'zod'
import type { RunKind } from '../../store/run-schema.js'
import { getAssistant, graphAssistantId } from '../../runtime/graph-assistants.js'
import { API_STREAM_MODES, type ApiStreamMode } from '../../runtime/graph-stream.js'
import type { RunKwargs } from '../../runtime/run-kwargs.js'
import { authorizeEvent, withAuthUser } from '../../runtime/auth-context.js'
import { createRun, type MultitaskStrategy } from '../../runtime/run-service.js'
import { forkThread } from '../../runtime/thread-control.js'
import { assertCheckpoint } from '../../runtime/thread-state.js'
import { threadGraph, type CommandContext, type CommandAnswer } from './command-context.js'
import { seqOf, threadRuns } from './event-seq.js'
import type { InputRespondParams, RunConfig, RunStartParams, StateForkParams } from './protocol-frames.js'
import { protocolFault, relabel } from './protocol-wire.js'

/**
 * What protocol runs log: every mode that has a protocol channel, subgraphs included — `tools` as soon as
 * the run path streams it (`API_STREAM_MODES`).
 */
export const PROTOCOL_STREAM_MODES: ApiStreamMode[] = ['values', 'updates', 'messages-tuple', 'custom', 'tasks', 'checkpoints', 'tools']
  .filter((m): m is ApiStreamMode => (API_STREAM_MODES as readonly string[]).includes(m))

/** A run a protocol command queues. */
export interface ProtocolRun {
  assistantId: string
  kind: RunKind
  input?: unknown
  command?: RunKwargs['command']
  config?: RunConfig | null
  metadata?: Record<string, unknown> | null
  checkpointId?: string
  multitask?: MultitaskStrategy
}

/** Pending interrupts of the thread's head checkpoint (`{id, value}`), none while it has no graph. */
export async function pendingInterrupts(ctx: CommandContext): Promise<{ id: string; value: unknown }[]> {
  const graph = await threadGraph(ctx)
  if (!graph) return []
  const state = await ctx.rt.graph(graph).getState({ configurable: { thread_id: ctx.threadId } })
  return state.tasks.flatMap((t) => t.interrupts).filter((i): i is { id: string; value: unknown } => typeof i.id === 'string')
}

/**
 * Queues a run through the one run path (queue → runner → durable event log), like every HTTP run:
 * the assistant's config and context apply, `config.configurable.checkpoint_id` picks the start checkpoint.
 * `meta.applied_through_seq` is the seq just before the run's first event (`since` for exactly this run).
 */
export async function queueRun(ctx: CommandContext, r: ProtocolRun): Promise<{ runId: string; meta: Record<string, unknown> }> {
  const assistant = await relabel(getAssistant(ctx.rt, r.assistantId), 'NOT_FOUND', 'invalid_argument')
  const { configurable = {}, ...config } = r.config ?? {}
  const { checkpoint_id: picked, ...given } = configurable
  const checkpointId = r.checkpointId ?? (typeof picked === 'string' ? picked : undefined)
  const aConfig = (assistant.config ?? {}) as { configurable?: Record<string, unknown> }
  // custom auth: the threads:create_run handler sees protocol runs too (and may change their metadata)
  const asked = { thread_id: ctx.threadId, assistant_id: assistant.assistant_id, metadata: { ...r.metadata }, multitask_strategy: r.multitask ?? 'enqueue', if_not_exists: 'create', kwargs: { input: r.input, command: r.command, config: r.config } }
  await authorizeEvent('threads:create_run', asked, ctx.threadId)
  const run = await createRun(ctx.rt, {
    threadId: ctx.threadId,
    graph: assistant.graph_id,
    assistantId: assistant.assistant_id,
    kind: r.kind,
    kwargs: {
      input: r.input,
      ...(r.command ? { command: r.command } : {}),
      config: { ...config, configurable: withAuthUser({ ...aConfig.configurable, ...given }) },
      context: assistant.context ?? undefined,
      stream_mode: PROTOCOL_STREAM_MODES,
      subgraphs: true,
      resumable: true,
      ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
    },
    metadata: asked.metadata,
    multitaskStrategy: r.multitask ?? 'enqueue',
    ifNotExists: 'create',
  })
  if (ctx.session) {
    ctx.session.lastRunId = run.run_id
    ctx.session.poke()
  }
  const rank = (await threadRuns(ctx.rt, ctx.threadId)).find((x) => x.run.run_id === run.run_id)?.rank
  return { runId: run.run_id, meta: { thread_id: ctx.threadId, run_id: run.run_id, ...(rank ? { applied_through_seq: seqOf(rank, 0) - 1 } : {}) } }
}

/** The assistant a follow-up run of the thread uses: its last run's, else its graph's default. */
export async function threadAssistant(ctx: CommandContext, graph: string): Promise<string> {
  return (await threadRuns(ctx.rt, ctx.threadId)).at(-1)?.run.assistant_id ?? graphAssistantId(graph)
}

/**
 * `run.start`: a new run with `input` on a thread that is not waiting; on a thread waiting at an
 * `interrupt()`, the input is the resume value (the protocol's single entry point for input). The
 * thread is created by its first run and stays bound to that graph.
 */
export async function startRun(ctx: CommandContext, p: z.infer<typeof RunStartParams>): Promise<CommandAnswer> {
  const assistant = await relabel(getAssistant(ctx.rt, p.assistant_id), 'NOT_FOUND', 'invalid_argument')
  const bound = await threadGraph(ctx)
  if (bound && bound !== assistant.graph_id) throw protocolFault('invalid_argument', `thread ${ctx.threadId} runs graph ${bound}; assistant ${p.assistant_id} runs ${assistant.graph_id}`)
  const fork = p.config?.configurable?.checkpoint_id
  const resume = p.input != null && fork === undefined && (await pendingInterrupts(ctx)).length > 0
  const input = resume || p.input == null ? undefined : ctx.rt.registry.get(assistant.graph_id).parseInput(p.input)
  const kind: RunKind = resume ? 'resume' : fork !== undefined ? 'replay' : p.input == null ? 'continue' : 'input'
  const { runId, meta } = await queueRun(ctx, {
    assistantId: assistant.assistant_id, kind, input, ...(resume ? { command: { resume: p.input } } : {}),
    config: p.config, metadata: p.metadata, multitask: p.multitask_strategy ?? p.multitaskStrategy,
  })
  return { result: { run_id: runId }, meta }
}

/** `input.respond`: resumes the interrupts named (one, or several at once) with `Command({resume: {[id]: response}, update, goto})`. */
export async function respondInput(ctx: CommandContext, p: InputRespondParams): Promise<CommandAnswer> {
  const graph = await threadGraph(ctx)
  if (!graph) throw protocolFault('no_such_run', `thread ${ctx.threadId} has no run to resume`)
  const pending = await pendingInterrupts(ctx)
  if (pending.length === 0) throw protocolFault('invalid_argument', `thread ${ctx.threadId} is not waiting for input`)
  const entries = 'responses' in p ? p.responses : [p]
  for (const e of entries) {
    if (!pending.some((i) => i.id === e.interrupt_id)) {
      throw protocolFault('no_such_interrupt', `thread ${ctx.threadId} has no pending interrupt ${e.interrupt_id}`, { details: { pending: pending.map((i) => i.id) } })
    }
  }
  const command = {
    resume: Object.fromEntries(entries.map((e) => [e.interrupt_id, e.response])),
    ...(p.update ? { update: p.update } : {}),
    ...(p.goto ? { goto: p.goto } : {}),
  }
  const { runId, meta } = await queueRun(ctx, { assistantId: await threadAssistant(ctx, graph), kind: 'resume', command, config: p.config, metadata: p.metadata })
  return { result: { run_id: runId }, meta }
}

/**
 * `state.fork`: a new branch from a checkpoint, run at once. With `update` (and `as_node`), the edited
 * state is written at the checkpoint first (history is kept) and the run continues from it; otherwise the
 * run replays from the checkpoint, with `input` if given.
 */
export async function forkState(ctx: CommandContext, p: z.infer<typeof StateForkParams>): Promise<CommandAnswer> {
  const graph = await threadGraph(ctx)
  if (!graph) throw protocolFault('no_such_checkpoint', `thread ${ctx.threadId} has no checkpoint ${p.checkpoint_id}`)
  if (p.update && p.input != null) throw protocolFault('invalid_argument', 'state.fork takes an update or an input, not both')
  await relabel(assertCheckpoint(ctx.rt, ctx.threadId, p.checkpoint_id), 'NOT_FOUND', 'no_such_checkpoint')
  let from = p.checkpoint_id
  if (p.update) from = (await forkThread(ctx.rt, { threadId: ctx.threadId, checkpointId: p.checkpoint_id, update: p.update, asNode: p.as_node })).checkpoint_id
  const input = p.update || p.input == null ? undefined : ctx.rt.registry.get(graph).parseInput(p.input)
  const { runId, meta } = await queueRun(ctx, { assistantId: await threadAssistant(ctx, graph), kind: 'replay', input, config: p.config, checkpointId: from })
  return { result: { run_id: runId, thread_id: ctx.threadId, checkpoint_id: from }, meta }
}
