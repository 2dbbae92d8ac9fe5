import { convertToProtocolEvent, normalizeNamespaceSegment } from '@langchain/langgraph/stream'
import type { StoredEvent } from '../../runtime/event-bus.js'
import { NodeMessageTranslator } from './message-translator.js'
import type { Namespace } from './protocol-wire.js'

/** A protocol event before it is numbered: method, where in the agent tree, payload. */
export interface Draft { method: string; namespace: Namespace; node?: string; data: unknown }

/** Root lifecycle statuses a run ends with. */
export type TerminalStatus = 'completed' | 'failed' | 'interrupted'

type Dict = Record<string, unknown>
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v)
const key = (ns: Namespace) => ns.join('\u0000')
const asMessages = (namespace: Namespace, node: string, list: unknown[]): Draft[] =>
  list.map((data) => ({ method: 'messages', namespace, ...(node ? { node } : {}), data }))

function interruptsOf(v: unknown): { interrupt_id: string; payload: unknown }[] {
  const list = isDict(v) && Array.isArray(v.__interrupt__) ? (v.__interrupt__ as unknown[]) : []
  return list.filter((i): i is Dict => isDict(i) && typeof i.id === 'string').map((i) => ({ interrupt_id: i.id as string, payload: i.value }))
}

function checkpointEnvelope(v: unknown): Dict | undefined {
  if (!isDict(v)) return undefined
  const id = ((v.config as Dict | undefined)?.configurable as Dict | undefined)?.checkpoint_id
  if (typeof id !== 'string') return undefined
  const parent = ((v.parent_config as Dict | undefined)?.configurable as Dict | undefined)?.checkpoint_id
  const meta = (v.metadata ?? {}) as Dict
  return { id, ...(typeof parent === 'string' ? { parent_id: parent } : {}), step: typeof meta.step === 'number' ? meta.step : -1, source: meta.source ?? 'loop' }
}

/**
 * Translates one run's stored events (the Platform API stream modes the runner logged) into protocol
 * events: `values` (interrupts split out as `input.requested`), `updates` as `{node, values}`,
 * `checkpoints` as the lightweight envelope, `tasks`, `custom`, `messages` as content-block lifecycles,
 * `tools` (tool-started, tool-output-delta, tool-finished, tool-error; when the run logged that mode),
 * `lifecycle` for every subgraph namespace, and a `failed` lifecycle on the run's `error` event.
 * Legacy-only modes (`debug`, `events`, `messages/*`) have no protocol channel and are skipped.
 */
export class RunTranslator {
  readonly #messages = new Map<string, { ns: Namespace; node: string; t: NodeMessageTranslator }>()
  readonly #interrupts = new Set<string>()
  readonly #namespaces = new Map<string, Namespace>()
  #failed = false

  constructor(readonly graphName: string) {}

  /** The run asked for human input (an `interrupt()`): it ends `interrupted`, not `completed`. */
  get interrupted(): boolean { return this.#interrupts.size > 0 }

  /** The run's `error` event was seen: its `failed` lifecycle is already out. */
  get failed(): boolean { return this.#failed }

  push(ev: StoredEvent): Draft[] {
    const [mode = '', ...namespace] = ev.event.split('|')
    const data = JSON.parse(ev.data) as unknown
    const out = this.#enter(namespace)
    const at = (method: string, d: unknown, node?: string): Draft => ({ method, namespace, ...(node ? { node } : {}), data: d })
    switch (mode) {
      case 'error': {
        const message = isDict(data) && typeof data.message === 'string' ? data.message : 'run failed'
        this.#failed = true
        for (const m of this.#messages.values()) out.push(...asMessages(m.ns, m.node, m.t.fail(message)))
        // beyond the protocol's `error` (a message): the error's class and its stack, for the debugger
        const extra = isDict(data) ? { ...(typeof data.error === 'string' && data.error !== 'Error' ? { error_type: data.error } : {}), ...(typeof data.stack === 'string' ? { stack: data.stack } : {}) } : {}
        return [...out, ...this.#cascade('failed', { error: message, ...extra })]
      }
      case 'values': {
        out.push(...this.#inputRequested(namespace, data))
        const { __interrupt__: _, ...values } = isDict(data) ? data : { value: data }
        return Object.keys(values).length > 0 ? [...out, at('values', values)] : out
      }
      case 'updates': {
        if (isDict(data) && '__interrupt__' in data) return [...out, ...this.#inputRequested(namespace, data)]
        for (const [node, values] of Object.entries(isDict(data) ? data : {})) {
          out.push(...this.#endMessages(namespace, node), at('updates', { node, values: isDict(values) ? values : { value: values } }, node))
        }
        return out
      }
      case 'messages': {
        const [msg, meta] = Array.isArray(data) ? (data as [unknown, unknown]) : [data, {}]
        if (!isDict(msg)) return out
        const node = isDict(meta) && typeof meta.langgraph_node === 'string' ? meta.langgraph_node : ''
        return [...out, ...asMessages(namespace, node, this.#translator(namespace, node).push(msg, isDict(meta) ? meta : {}))]
      }
      case 'checkpoints': {
        const envelope = checkpointEnvelope(data)
        return envelope ? [...out, at('checkpoints', envelope)] : out
      }
      case 'tasks': {
        const done = isDict(data) && 'result' in data && typeof data.name === 'string' ? this.#endMessages(namespace, data.name) : []
        return [...out, ...done, at('tasks', data)]
      }
      case 'tools': {
        // LangGraph's own mapping (on_tool_start → tool-started, on_tool_event → tool-output-delta, ...)
        // an Error the log stored as {} would read "[object Object]"
        const bare = isDict(data) && data.event === 'on_tool_error' && typeof data.error !== 'string' && !(isDict(data.error) && typeof data.error.message === 'string')
        const [ev] = convertToProtocolEvent({ namespace, mode: 'tools', payload: bare ? { ...data, error: 'the tool failed' } : data, seq: 0 })
        return ev ? [...out, at('tools', ev.params.data)] : out
      }
      case 'custom':
        return [...out, at('custom', isDict(data) && typeof data.name === 'string' && 'payload' in data ? data : { payload: data })]
      default:
        return out
    }
  }

  /** The run has ended with `status`: close open messages, then the lifecycle of every namespace, root last. */
  end(status: TerminalStatus, error?: string): Draft[] {
    const out: Draft[] = []
    for (const m of this.#messages.values()) out.push(...asMessages(m.ns, m.node, m.t.end()))
    return [...out, ...this.#cascade(status, error ? { error } : {})]
  }

  #cascade(status: TerminalStatus, extra: Dict): Draft[] {
    const nested = [...this.#namespaces.values()].sort((a, b) => b.length - a.length)
    const out = nested.map((ns) => ({ method: 'lifecycle', namespace: ns, data: { event: status, graph_name: normalizeNamespaceSegment(ns.at(-1) ?? '') } }))
    return [...out, { method: 'lifecycle', namespace: [], data: { event: status, graph_name: this.graphName, ...extra } }]
  }

  #enter(ns: Namespace): Draft[] {
    const out: Draft[] = []
    for (let i = 1; i <= ns.length; i++) {
      const prefix = ns.slice(0, i)
      if (this.#namespaces.has(key(prefix))) continue
      this.#namespaces.set(key(prefix), prefix)
      out.push({ method: 'lifecycle', namespace: prefix, data: { event: 'started', graph_name: normalizeNamespaceSegment(prefix.at(-1) ?? '') } })
    }
    return out
  }

  #inputRequested(ns: Namespace, data: unknown): Draft[] {
    const fresh = interruptsOf(data).filter((i) => !this.#interrupts.has(i.interrupt_id))
    for (const i of fresh) this.#interrupts.add(i.interrupt_id)
    return fresh.map((i) => ({ method: 'input.requested', namespace: ns, data: i }))
  }

  #translator(ns: Namespace, node: string): NodeMessageTranslator {
    const k = `${key(ns)}\u0001${node}`
    let m = this.#messages.get(k)
    if (!m) this.#messages.set(k, (m = { ns, node, t: new NodeMessageTranslator() }))
    return m.t
  }

  #endMessages(ns: Namespace, node: string): Draft[] {
    const m = this.#messages.get(`${key(ns)}\u0001${node}`)
    return m ? asMessages(ns, node, m.t.end()) : []
  }
}
