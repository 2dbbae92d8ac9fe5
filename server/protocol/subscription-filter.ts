import { randomBytes } from 'node:crypto'
import { matchesSubscription } from '@langchain/langgraph/stream'
import { EventFilter } from './protocol-frames.js'
import { protocolFault, type ProtocolEvent } from './protocol-wire.js'

/**
 * Whether a subscription's filter takes an event: its channel (`input.requested` and `input.answered`
 * are the `input` channel; `custom` takes every `custom:<name>`), then the namespace prefixes (dynamic
 * `:task-id` suffixes ignored) and the depth below them. The same predicate the SDK and the official
 * server apply.
 */
export const matchesFilter = (filter: EventFilter, ev: ProtocolEvent): boolean => matchesSubscription(ev, filter)

/**
 * A subscription id that carries its own filter (`sub_<base64url JSON>.<random>`), so
 * `subscription.reconnect` can restore a subscription on a new connection, after a server restart too,
 * without the server keeping anything.
 */
export function subscriptionIdOf(filter: EventFilter): string {
  const f = { channels: filter.channels, ...(filter.namespaces ? { namespaces: filter.namespaces } : {}), ...(filter.depth !== undefined ? { depth: filter.depth } : {}) }
  return `sub_${Buffer.from(JSON.stringify(f)).toString('base64url')}.${randomBytes(6).toString('hex')}`
}

/** The filter inside a subscription id; `no_such_subscription` when it is not one of ours. */
export function filterOfSubscriptionId(id: string): EventFilter {
  const m = /^sub_([A-Za-z0-9_-]+)\.[0-9a-f]{12}$/.exec(id)
  let parsed: ReturnType<typeof EventFilter.safeParse> | undefined
  try {
    parsed = m?.[1] ? EventFilter.safeParse(JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'))) : undefined
  } catch {
    parsed = undefined
  }
  if (!parsed?.success) throw protocolFault('no_such_subscription', `unknown subscription ${id}`)
  return parsed.data
}
