import type { z } from 'zod'
import { agentStatuses } from './agent-tree.js'
import { requireSession, type CommandAnswer, type CommandContext } from './command-context.js'
import { beforeRun, currentRun, parseEventId, seqOf, threadRuns } from './event-seq.js'
import type { ReconnectParams, SubscribeParams } from './protocol-frames.js'
import { protocolFault, successFrame } from './protocol-wire.js'
import { filterOfSubscriptionId } from './subscription-filter.js'

/**
 * `subscription.subscribe`: a filter (channels, namespace prefixes, depth) on this connection, kept across
 * runs until unsubscribed or the connection closes. It replays from `since` (Switchyard: a seq) or else
 * from the start of the thread's current run (the run this client started, else the one in flight, else
 * the latest) — events the client already has are dropped by the SDK by `event_id` — then follows live.
 * The answer goes out before the replayed events.
 */
export async function subscribe(ctx: CommandContext, id: number, p: z.infer<typeof SubscribeParams>): Promise<CommandAnswer> {
  const session = requireSession(ctx, 'subscription.subscribe')
  const after = p.since ?? beforeRun(currentRun(await threadRuns(ctx.rt, ctx.threadId), session.lastRunId))
  const filter = { channels: p.channels, ...(p.namespaces ? { namespaces: p.namespaces } : {}), ...(p.depth !== undefined ? { depth: p.depth } : {}) }
  await session.attach([{ filter }], after, (replayed, [subscriptionId]) =>
    successFrame(id, { subscription_id: subscriptionId ?? '', replayed_events: replayed }, { thread_id: ctx.threadId, since: after }))
  return null
}

/** `subscription.unsubscribe`. */
export async function unsubscribe(ctx: CommandContext, p: { subscription_id: string }): Promise<CommandAnswer> {
  await requireSession(ctx, 'subscription.unsubscribe').detach(p.subscription_id)
  return { result: {} }
}

/**
 * `subscription.reconnect` (not implemented by the official server): on a new connection — after a drop or
 * a server restart — restores `subscriptions` (their ids carry their filters) and replays exactly the events
 * after `last_event_id` of run `run_id` (from that run's start without it), through every later run, then
 * follows live. `missed_events` counts the replay.
 */
export async function reconnect(ctx: CommandContext, id: number, p: z.infer<typeof ReconnectParams>): Promise<CommandAnswer> {
  const session = requireSession(ctx, 'subscription.reconnect')
  const subs = p.subscriptions.map((sid) => ({ id: sid, filter: filterOfSubscriptionId(sid) }))
  const ranked = (await threadRuns(ctx.rt, ctx.threadId)).find((r) => r.run.run_id === p.run_id)
  if (!ranked) throw protocolFault('no_such_run', `thread ${ctx.threadId} has no run ${p.run_id}`)
  let after = beforeRun(ranked)
  if (p.last_event_id !== undefined) {
    const local = parseEventId(p.last_event_id, p.run_id)
    if (local === undefined) throw protocolFault('invalid_argument', `event id ${p.last_event_id} is not an event of run ${p.run_id}`)
    after = seqOf(ranked.rank, local)
  }
  const current = currentRun(await threadRuns(ctx.rt, ctx.threadId), session.lastRunId)
  const statuses = current ? await agentStatuses(ctx, current.run) : []
  const currentNamespaces = statuses.map((s) => ({ namespace: s.namespace, status: s.status }))
  await session.attach(subs, after, (missed) =>
    successFrame(id, { restored: true, missed_events: missed, current_namespaces: currentNamespaces }, { thread_id: ctx.threadId, since: after }))
  return null
}
