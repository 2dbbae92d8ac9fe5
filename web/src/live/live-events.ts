/** One protocol v2 event as the server pushes it (`server/protocol/protocol-wire.ts` ProtocolEvent). */
export interface LiveEvent {
  type: 'event'
  /** `${run_id}:${local}`: stable, names the run it belongs to. */
  event_id: string
  /** Thread-wide, grows across runs: `since` for a resume. */
  seq: number
  method: string
  params: { namespace: string[]; timestamp: number; node?: string; data: unknown }
}

/** Every channel the debugger follows (one subscription). */
export const LIVE_CHANNELS = ['lifecycle', 'values', 'updates', 'messages', 'tasks', 'input', 'checkpoints', 'custom', 'tools'] as const

/** The run an event belongs to and its index in that run's log. */
export function splitEventId(eventId: string): { runId: string; local: number } {
  const at = eventId.lastIndexOf(':')
  return { runId: at < 0 ? eventId : eventId.slice(0, at), local: at < 0 ? -1 : Number(eventId.slice(at + 1)) }
}

export const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
