import type { StreamMode } from '@langchain/langgraph'
import type { AnyGraph } from '../graphs/registry.js'
import { redactValue } from '../store/secret-redaction.js'
import { errorData } from './serialize.js'

/** Stream modes a client may ask for (Platform API names). */
export const API_STREAM_MODES = ['values', 'updates', 'messages', 'messages-tuple', 'custom', 'debug', 'events', 'tasks', 'checkpoints', 'tools'] as const
export type ApiStreamMode = (typeof API_STREAM_MODES)[number]

export interface GraphStreamOptions {
  config: Record<string, unknown>
  modes: ApiStreamMode[]
  subgraphs: boolean
  signal: AbortSignal
  interruptBefore?: string[] | '*'
  interruptAfter?: string[] | '*'
  context?: unknown
  /** LangGraph's durability (default 'sync': a step's checkpoint is written before the next step starts). */
  durability?: 'sync' | 'async' | 'exit'
  /** Sees every root-namespace chunk of every library mode, requested or not (the runner's bookkeeping). */
  observe?: (mode: string, chunk: unknown) => void
}

export interface ApiEvent { event: string; data: unknown }

/** Library modes needed to produce the requested API modes. */
function libraryModes(modes: ApiStreamMode[]): StreamMode[] {
  const lib = new Set<StreamMode>()
  for (const m of modes) {
    if (m === 'messages-tuple' || m === 'messages') lib.add('messages')
    else if (m !== 'events') lib.add(m)
  }
  // the runner reads the final values and interrupts from the root `values` stream
  lib.add('values')
  return [...lib]
}

/**
 * Runs the graph and yields Platform API events: one per requested mode and chunk, named `mode` or
 * `mode|ns1|ns2` for subgraphs; `messages-tuple` arrives as `messages` ([chunk, metadata]) and the
 * legacy `messages` mode as `messages/metadata` then `messages/partial` (accumulated per message id)
 * and `messages/complete`. Uses `graph.stream`; only the `events` mode needs the slower `streamEvents`.
 */
export async function* streamGraph(graph: AnyGraph, input: unknown, o: GraphStreamOptions): AsyncGenerator<ApiEvent> {
  const lib = libraryModes(o.modes)
  const common = {
    ...o.config,
    streamMode: lib,
    subgraphs: true,
    signal: o.signal,
    interruptBefore: o.interruptBefore,
    interruptAfter: o.interruptAfter,
    durability: o.durability ?? 'sync',
    ...(o.context !== undefined ? { context: o.context } : {}),
  }
  const translate = createTranslator(o.modes, o.subgraphs)
  // the compiled graph's option types are generic over its state; the runner drives graphs of any shape
  const g = graph as unknown as {
    stream(i: unknown, opts: unknown): Promise<AsyncIterable<[string[], string, unknown]>>
    streamEvents(i: unknown, opts: unknown): AsyncIterable<unknown>
  }
  if (o.modes.includes('events')) {
    const events = drained(g.streamEvents(input, { ...common, version: 'v2' }))
    for await (const ev of events as AsyncIterable<{ event: string; data: { chunk?: unknown }; run_id?: string; metadata?: Record<string, unknown> }>) {
      if (ev.event === 'on_chain_stream' && Array.isArray(ev.data.chunk) && ev.data.chunk.length === 3 && Array.isArray(ev.data.chunk[0])) {
        yield* translate(ev.data.chunk as [string[], string, unknown])
      }
      yield { event: 'events', data: ev }
    }
    return
  }
  for await (const part of drained(await g.stream(input, common))) {
    if (part[0].length === 0) o.observe?.(part[1], part[2])
    yield* translate(part)
  }
}

/**
 * Reads `source` as fast as it produces, into a queue of its own, and yields from that queue; a failure
 * is thrown after every chunk read before it. LangGraph's stream is a chain of ReadableStreams that drop
 * their queued chunks when the graph throws (`controller.error()` discards the queue), so a consumer
 * slower than the graph (the runner writes each event to the run's log) lost the steps before a failing
 * node: a node that ran three times had one task in the log, then the error.
 */
export async function* drained<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]()
  const queue: T[] = []
  let head = 0
  let done = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  void (async () => {
    try {
      for (;;) {
        const r = await it.next()
        if (r.done) break
        queue.push(r.value)
        wake?.()
      }
    } catch (error) {
      failure = { error }
    } finally {
      done = true
      wake?.()
    }
  })()
  try {
    for (;;) {
      if (head < queue.length) {
        const v = queue[head]!
        queue[head++] = undefined as T
        // keep the array from growing without end on a long run
        if (head > 1024 && head * 2 > queue.length) { queue.splice(0, head); head = 0 }
        yield v
        continue
      }
      if (done) {
        if (failure) throw failure.error
        return
      }
      await new Promise<void>((resolve) => { wake = resolve })
      wake = undefined
    }
  } finally {
    // the consumer stopped early (a failed log write, a cancel): stop the graph's stream too
    if (!done) void Promise.resolve(it.return?.()).catch(() => undefined)
  }
}

/**
 * A failed task's result with its error redacted like the `error` event's (LangGraph puts `{message, name}`
 * there, no stack: the run's `error` event that follows carries it).
 */
function taskWithError(chunk: unknown): unknown {
  const error = chunk !== null && typeof chunk === 'object' ? (chunk as { error?: unknown }).error : undefined
  if (error instanceof Error) {
    const e = errorData(error)
    return { ...(chunk as object), error: { name: e.error, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } }
  }
  if (error === null || typeof error !== 'object') return chunk
  return { ...(chunk as object), error: redactValue(error) }
}

interface MessageLike { id?: string; concat?(o: unknown): MessageLike }

function createTranslator(modes: ApiStreamMode[], subgraphs: boolean) {
  const partial = new Map<string, MessageLike>()
  const completed = new Set<string>()
  return function* ([ns, mode, chunk]: [string[], string, unknown]): Generator<ApiEvent> {
    if (ns.length > 0 && !subgraphs) return
    const name = (m: string) => (ns.length > 0 ? `${m}|${ns.join('|')}` : m)
    if (mode === 'messages') {
      if (modes.includes('messages-tuple')) yield { event: name('messages'), data: chunk }
      if (modes.includes('messages')) {
        const [msg, meta] = chunk as [MessageLike, unknown]
        if (!msg.id) return
        const prev = partial.get(msg.id)
        if (!prev) yield { event: 'messages/metadata', data: { [msg.id]: { metadata: meta } } }
        const acc = prev?.concat ? prev.concat(msg) : msg
        partial.set(msg.id, acc)
        yield { event: 'messages/partial', data: [acc] }
      }
      return
    }
    if (mode === 'values' && modes.includes('messages') && chunk && typeof chunk === 'object' && 'messages' in chunk) {
      const list = (chunk as { messages: unknown }).messages
      const done = (Array.isArray(list) ? list : [list]).filter((m): m is MessageLike & { id: string } =>
        !!m && typeof m === 'object' && typeof (m as MessageLike).id === 'string' && !completed.has((m as { id: string }).id))
      for (const m of done) completed.add(m.id)
      if (done.length > 0) yield { event: 'messages/complete', data: done }
    }
    if ((modes as string[]).includes(mode)) yield { event: name(mode), data: mode === 'tasks' ? taskWithError(chunk) : chunk }
  }
}
