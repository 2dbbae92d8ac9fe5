/** What the saver last wrote for one channel: enough to tell whether a new value only appends to it. */
export interface ChannelState {
  /** The version, as a string. */
  version: string
  /** Id of the checkpoint whose row holds the value inline; undefined when it is in `checkpoint_blobs` or absent. */
  inlineAt: string | undefined
  /** The value serialized, when it is a JSON array in `checkpoint_blobs` (what an append extends); else undefined. */
  json: Uint8Array | undefined
  /** Size of the full copy at the head of this version's delta chain. */
  fullBytes: number
  /** Bytes of the deltas written since that full copy, this version's included. */
  deltaBytes: number
}

/** The last checkpoint written on one (thread, namespace), with the state of each channel written so far. */
export interface ThreadState {
  checkpointId: string
  /** Channel versions of that checkpoint, as stored strings. */
  versions: Record<string, string>
  channels: Map<string, ChannelState>
}

/** Bounds of the {@link CheckpointCache}. */
export interface CheckpointCacheOptions {
  /** Most (thread, namespace) entries kept (default 1,000). */
  maxThreads?: number
  /** Most serialized bytes kept across entries (default 64 MB). */
  maxBytes?: number
}

const key = (threadId: string, ns: string) => `${threadId}\u0000${ns}`

const sizeOf = (t: ThreadState) => {
  let n = 0
  for (const c of t.channels.values()) n += c.json?.byteLength ?? 0
  return n
}

/**
 * LRU of the last written {@link ThreadState} per (thread, namespace), so `put` can detect appends without
 * reading back. A miss only costs a read: the saver rebuilds the state from the parent checkpoint.
 */
export class CheckpointCache {
  readonly #entries = new Map<string, { state: ThreadState; bytes: number }>()
  readonly #maxThreads: number
  readonly #maxBytes: number
  #bytes = 0

  constructor(opts: CheckpointCacheOptions = {}) {
    this.#maxThreads = opts.maxThreads ?? 1_000
    this.#maxBytes = opts.maxBytes ?? 64 * 1024 * 1024
  }

  /** The state after `checkpointId`, or undefined if the cache holds another checkpoint (or none). */
  get(threadId: string, ns: string, checkpointId: string | undefined): ThreadState | undefined {
    const k = key(threadId, ns)
    const hit = this.#entries.get(k)
    if (hit === undefined || checkpointId === undefined || hit.state.checkpointId !== checkpointId) return undefined
    this.#entries.delete(k)
    this.#entries.set(k, hit)
    return hit.state
  }

  set(threadId: string, ns: string, state: ThreadState): void {
    const k = key(threadId, ns)
    this.#drop(k)
    const bytes = sizeOf(state)
    this.#entries.set(k, { state, bytes })
    this.#bytes += bytes
    for (const [old] of this.#entries) {
      if (this.#entries.size <= this.#maxThreads && this.#bytes <= this.#maxBytes) break
      this.#drop(old)
    }
  }

  deleteThread(threadId: string): void {
    const prefix = key(threadId, '')
    for (const k of [...this.#entries.keys()]) if (k.startsWith(prefix)) this.#drop(k)
  }

  #drop(k: string): void {
    const hit = this.#entries.get(k)
    if (hit === undefined) return
    this.#bytes -= hit.bytes
    this.#entries.delete(k)
  }
}
