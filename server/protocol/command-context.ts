import type { Runtime } from '../../runtime/runtime.js'
import type { ProtocolSession } from './protocol-session.js'
import { protocolFault } from './protocol-wire.js'

/** What a command runs against: the runtime, the thread the connection is bound to, the client's session (WebSocket only). */
export interface CommandContext {
  rt: Runtime
  threadId: string
  /** Absent over HTTP (`POST /threads/{id}/commands`): subscriptions there are the SSE streams themselves. */
  session?: ProtocolSession
}

/** A command's answer: `result` (and `meta`) of the success frame, or null when the handler already sent it. */
export type CommandAnswer = { result: Record<string, unknown>; meta?: Record<string, unknown> } | null

/** The session of a WebSocket client; `not_supported` over HTTP. */
export function requireSession(ctx: CommandContext, method: string): ProtocolSession {
  if (ctx.session) return ctx.session
  throw protocolFault('not_supported', `${method} needs the WebSocket transport; over HTTP, open POST /threads/${ctx.threadId}/stream/events with a filter instead`)
}

/** The thread's graph, or undefined while the thread does not exist (or has never run). */
export async function threadGraph(ctx: CommandContext): Promise<string | undefined> {
  const t = await ctx.rt.runs.getThread(ctx.threadId).catch(() => undefined)
  return t?.graph ?? undefined
}

/** A plain JSON object (not null, not an array). */
export const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
