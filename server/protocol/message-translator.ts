/** The payload of one `messages` protocol event (`message-start`, `content-block-*`, `message-finish`, `error`). */
export type MessageData = Record<string, unknown> & { event: string }

type Dict = Record<string, unknown>
type Piece = { kind: 'text'; text: string } | { kind: 'reasoning'; text: string } | { kind: 'tool'; key: number; id?: string; name?: string; args: string }
interface OpenBlock { index: number; piece: Piece['kind']; key?: number; block: Dict }
interface OpenMessage { id: string; blocks: number; open?: OpenBlock; usage?: Dict; reason?: string }

const ROLES: Record<string, string> = { human: 'human', user: 'human', system: 'system', tool: 'tool' }
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** The protocol's scalar model metadata from a LangGraph `messages` tuple's metadata. */
function modelMetadata(meta: Dict): Dict | undefined {
  const out: Dict = {}
  if (str(meta.ls_provider)) out.provider = meta.ls_provider
  if (str(meta.ls_model_name)) out.model = meta.ls_model_name
  if (str(meta.ls_model_type)) out.model_type = meta.ls_model_type
  return Object.keys(out).length > 0 ? out : undefined
}

function piecesOf(msg: Dict): Piece[] {
  const out: Piece[] = []
  const content = msg.content
  if (typeof content === 'string' && content !== '') out.push({ kind: 'text', text: content })
  if (Array.isArray(content)) {
    for (const part of content as Dict[]) {
      if (part?.type === 'text' && str(part.text)) out.push({ kind: 'text', text: part.text as string })
      const thought = str(part?.reasoning) ?? str(part?.thinking)
      if ((part?.type === 'reasoning' || part?.type === 'thinking') && thought) out.push({ kind: 'reasoning', text: thought })
    }
  }
  for (const tc of (Array.isArray(msg.tool_call_chunks) ? msg.tool_call_chunks : []) as Dict[]) {
    out.push({ kind: 'tool', key: typeof tc.index === 'number' ? tc.index : 0, id: str(tc.id), name: str(tc.name), args: str(tc.args) ?? '' })
  }
  // a complete (not streamed) message: its tool calls arrive whole
  if (!('tool_call_chunks' in msg)) {
    for (const [i, tc] of ((Array.isArray(msg.tool_calls) ? msg.tool_calls : []) as Dict[]).entries()) {
      out.push({ kind: 'tool', key: i, id: str(tc.id), name: str(tc.name), args: JSON.stringify(tc.args ?? {}) })
    }
  }
  return out
}

function finalBlock(b: OpenBlock): Dict {
  if (b.piece !== 'tool') return b.block
  const { id = null, name = null, args } = b.block as { id?: string; name?: string; args: string }
  try {
    return { type: 'tool_call', id, name, args: JSON.parse(args === '' ? '{}' : args) as unknown }
  } catch {
    return { type: 'invalid_tool_call', id, name, args, error: 'arguments are not valid JSON' }
  }
}

/**
 * Turns LangGraph `messages` tuples (`[message chunk, metadata]`, as the run log stores them) into the
 * protocol's content-block lifecycle for one graph node: `message-start`, then per block
 * `content-block-start` → `content-block-delta`… → `content-block-finish` (blocks never interleave;
 * a tool-call chunk finishes as a parsed `tool_call`), then `message-finish` with usage. A message ends
 * when the node starts another one, when the node finishes (`end()`), or when the run fails (`fail()`).
 * Deterministic: the same tuples always give the same events.
 */
export class NodeMessageTranslator {
  #msg: OpenMessage | undefined
  /** Messages already streamed: their complete copy (node output) adds nothing. */
  readonly #seen = new Set<string>()

  push(msg: Dict, meta: Dict): MessageData[] {
    const out: MessageData[] = []
    const id = str(msg.id) ?? `run-${str(meta.run_id) ?? 'unknown'}`
    const streamed = 'tool_call_chunks' in msg || /Chunk$/.test(str(msg.type) ?? '')
    if (this.#msg && this.#msg.id !== id) out.push(...this.end())
    if (!streamed && (this.#msg || this.#seen.has(id))) return [...out, ...this.end()]
    if (!this.#msg) {
      this.#msg = { id, blocks: 0 }
      const metadata = modelMetadata(meta)
      out.push({ event: 'message-start', id, role: ROLES[str(msg.type) ?? ''] ?? 'ai', ...(metadata ? { metadata } : {}), ...(str(msg.tool_call_id) ? { tool_call_id: msg.tool_call_id } : {}) })
    }
    const m = this.#msg
    for (const p of piecesOf(msg)) out.push(...this.#apply(m, p))
    const usage = msg.usage_metadata as Dict | undefined
    if (usage && typeof usage === 'object') m.usage = sumUsage(m.usage, usage)
    const reason = str((msg.response_metadata as Dict | undefined)?.finish_reason)
    if (reason) m.reason = reason
    if (!streamed) out.push(...this.end())
    return out
  }

  /** Finishes the open message, if any. */
  end(): MessageData[] {
    const m = this.#msg
    if (!m) return []
    this.#msg = undefined
    this.#seen.add(m.id)
    const out = m.open ? [{ event: 'content-block-finish', index: m.open.index, content: finalBlock(m.open) }] : []
    return [...out, { event: 'message-finish', reason: m.reason ?? 'stop', ...(m.usage ? { usage: m.usage } : {}) }]
  }

  /** Ends the open message with an error (the run failed mid-message). */
  fail(message: string): MessageData[] {
    if (!this.#msg) return []
    this.#msg = undefined
    return [{ event: 'error', message }]
  }

  #apply(m: OpenMessage, p: Piece): MessageData[] {
    const out: MessageData[] = []
    const same = m.open && m.open.piece === p.kind && (p.kind !== 'tool' || m.open.key === p.key)
    if (!same) {
      if (m.open) out.push({ event: 'content-block-finish', index: m.open.index, content: finalBlock(m.open) })
      const block: Dict = p.kind === 'text' ? { type: 'text', text: '' }
        : p.kind === 'reasoning' ? { type: 'reasoning', reasoning: '' }
          : { type: 'tool_call_chunk', id: p.id ?? null, name: p.name ?? null, args: '', index: m.blocks }
      m.open = { index: m.blocks++, piece: p.kind, key: p.kind === 'tool' ? p.key : undefined, block }
      out.push({ event: 'content-block-start', index: m.open.index, content: { ...block } })
    }
    const b = m.open!
    if (p.kind === 'tool') {
      if (p.id && !b.block.id) b.block.id = p.id
      if (p.name && !b.block.name) b.block.name = p.name
      if (p.args === '') return out
      b.block.args = `${b.block.args as string}${p.args}`
      out.push({ event: 'content-block-delta', index: b.index, delta: { type: 'tool-call-delta', args: p.args } })
      return out
    }
    const field = p.kind === 'text' ? 'text' : 'reasoning'
    b.block[field] = `${b.block[field] as string}${p.text}`
    out.push({ event: 'content-block-delta', index: b.index, delta: p.kind === 'text' ? { type: 'text-delta', text: p.text } : { type: 'reasoning-delta', reasoning: p.text } })
    return out
  }
}

function sumUsage(a: Dict | undefined, b: Dict): Dict {
  if (!a) return { ...b }
  const n = (v: unknown) => (typeof v === 'number' ? v : 0)
  return { ...a, input_tokens: n(a.input_tokens) + n(b.input_tokens), output_tokens: n(a.output_tokens) + n(b.output_tokens), total_tokens: n(a.total_tokens) + n(b.total_tokens) }
}
