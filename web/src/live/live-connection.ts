import { LIVE_CHANNELS, type LiveEvent } from './live-events.js'

/** A command's failure as the server answered it (`{error, message, code}` error frame), or the connection's. */
export class CommandError extends Error {
  constructor(readonly error: string, message: string, readonly code?: string, readonly details?: unknown) {
    super(message)
    this.name = 'CommandError'
  }
}

export type LinkStatus = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed'

export interface LinkState {
  status: LinkStatus
  /** The reconnect try in progress (1..5) and when it fires (ms epoch). */
  attempt?: number
  retryAt?: number
  /** Why the connection dropped or could not open. */
  reason?: string
}

export interface LiveConnectionOptions {
  /** The API server (http[s] origin and path prefix). */
  apiUrl: string
  apiKey?: string
  threadId: string
  /** Replay after this seq on the first subscription (-1 or undefined: the whole thread). */
  since?: number
  onEvents(events: LiveEvent[]): void
  onStatus(s: LinkState): void
  /** Waits before reconnect tries 1..n (default 3 s rising to 10 s, 5 tries). */
  backoffMs?: readonly number[]
  /** The WebSocket constructor (tests). */
  WebSocketImpl?: typeof WebSocket
}

/** 5 tries, 3 s to 10 s. */
export const RECONNECT_BACKOFF_MS = [3_000, 4_750, 6_500, 8_250, 10_000] as const

/** The protocol v2 URL of a thread's stream on an http(s) API URL. */
export const streamUrl = (apiUrl: string, threadId: string): string =>
  `${apiUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/threads/${encodeURIComponent(threadId)}/stream/events`

/** A browser cannot set headers on a WebSocket: the key goes as the subprotocol `x-api-key.<base64url>`. */
export function keyProtocol(key: string): string {
  const bytes = new TextEncoder().encode(key)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return `x-api-key.${btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

interface Waiting { resolve(r: { result: Record<string, unknown>; meta?: Record<string, unknown> }): void; reject(e: Error): void }

/**
 * One thread's protocol v2 WebSocket: one subscription to every channel, replayed from `since`; events are
 * handed over in batches (one per animation frame, so a burst of thousands costs a few renders). When the
 * socket drops it reconnects with backoff and subscribes again `since` the last seq it delivered: the
 * server's durable log replays exactly what was missed (the reducer drops any overlap by seq).
 */
export class LiveConnection {
  #ws: WebSocket | undefined
  #nextId = 1
  readonly #waiting = new Map<number, Waiting>()
  #lastSeq: number
  #attempt = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed = false
  #buffer: LiveEvent[] = []
  #flushScheduled = false
  /** Frames received (for the e2e figures). */
  received = 0
  /** Every status change with its time (the e2e test reads it; bounded). */
  readonly history: { at: number; status: LinkStatus; reason?: string }[] = []

  readonly opts: LiveConnectionOptions

  constructor(opts: LiveConnectionOptions) {
    const report = opts.onStatus
    this.opts = { ...opts, onStatus: (st) => {
      if (this.history.length < 200) this.history.push({ at: Date.now(), status: st.status, ...(st.reason ? { reason: st.reason } : {}) })
      report(st)
    } }
    this.#lastSeq = opts.since ?? -1
    this.#open()
  }

  get lastSeq(): number { return this.#lastSeq }

  /** Sends a command; resolves with its success frame, rejects with a CommandError. */
  send(method: string, params: Record<string, unknown>): Promise<{ result: Record<string, unknown>; meta?: Record<string, unknown> }> {
    const ws = this.#ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new CommandError('not_connected', 'the live connection is not open; it is reconnecting'))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, method, params }))
    })
  }

  /** Drops the socket as a network failure would (tests, and the page's "drop" shortcut): it reconnects. */
  drop(): void {
    this.#ws?.close(4000, 'dropped by the page')
  }

  /** Reconnects now (after the tries ran out, or to skip the wait). */
  retryNow(): void {
    if (this.#closed) return
    clearTimeout(this.#timer)
    this.#attempt = 0
    this.#open()
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#ws?.close(1000, 'page left')
    this.#fail(new CommandError('closed', 'the connection was closed'))
    this.opts.onStatus({ status: 'closed' })
  }

  #open(): void {
    const Impl = this.opts.WebSocketImpl ?? WebSocket
    this.opts.onStatus(this.#attempt === 0 ? { status: 'connecting' } : { status: 'reconnecting', attempt: this.#attempt })
    let ws: WebSocket
    try {
      ws = this.opts.apiKey ? new Impl(streamUrl(this.opts.apiUrl, this.opts.threadId), [keyProtocol(this.opts.apiKey)]) : new Impl(streamUrl(this.opts.apiUrl, this.opts.threadId))
    } catch (e) {
      this.#dropped(String((e as Error).message ?? e))
      return
    }
    this.#ws = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      const id = this.#nextId++
      this.#waiting.set(id, {
        resolve: () => {
          this.#attempt = 0
          this.opts.onStatus({ status: 'open' })
        },
        reject: (e) => this.opts.onStatus({ status: 'failed', reason: e.message }),
      })
      // Switchyard's `since` is a thread-wide seq: exactly the events after the last one delivered
      ws.send(JSON.stringify({ id, method: 'subscription.subscribe', params: { channels: LIVE_CHANNELS, since: Math.max(0, this.#lastSeq) } }))
    }
    ws.onmessage = (m) => this.#frame(String(m.data))
    ws.onclose = (c) => {
      if (this.#ws !== ws) return
      this.#ws = undefined
      this.#fail(new CommandError('disconnected', 'the connection dropped before the answer'))
      if (!this.#closed) this.#dropped(opened ? `the connection dropped (${c.code}${c.reason ? ` ${c.reason}` : ''})` : 'the server did not accept the connection')
    }
  }

  #dropped(reason: string): void {
    this.#flush()
    const backoff = this.opts.backoffMs ?? RECONNECT_BACKOFF_MS
    if (this.#attempt >= backoff.length) {
      this.opts.onStatus({ status: 'failed', reason })
      return
    }
    const wait = backoff[this.#attempt]!
    this.#attempt++
    this.opts.onStatus({ status: 'reconnecting', attempt: this.#attempt, retryAt: Date.now() + wait, reason })
    this.#timer = setTimeout(() => this.#open(), wait)
  }

  #frame(text: string): void {
    let f: { type?: string; id?: number | null; seq?: number; result?: Record<string, unknown>; meta?: Record<string, unknown>; error?: string; message?: string; code?: string; details?: unknown }
    try {
      f = JSON.parse(text) as typeof f
    } catch {
      return
    }
    this.received++
    if (f.type === 'event') {
      const ev = f as unknown as LiveEvent
      if (ev.seq <= this.#lastSeq) return
      this.#lastSeq = ev.seq
      this.#buffer.push(ev)
      this.#schedule()
      return
    }
    const w = typeof f.id === 'number' ? this.#waiting.get(f.id) : undefined
    if (!w) return
    this.#waiting.delete(f.id as number)
    if (f.type === 'success') w.resolve({ result: f.result ?? {}, meta: f.meta })
    else w.reject(new CommandError(f.error ?? 'unknown_error', f.message ?? 'the command failed', f.code, f.details))
  }

  #schedule(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    const run = () => { this.#flushScheduled = false; this.#flush() }
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState !== 'hidden') requestAnimationFrame(run)
    else setTimeout(run, 16)
  }

  #flush(): void {
    if (this.#buffer.length === 0) return
    const batch = this.#buffer
    this.#buffer = []
    this.opts.onEvents(batch)
  }

  #fail(e: Error): void {
    for (const w of this.#waiting.values()) w.reject(e)
    this.#waiting.clear()
  }
}

/**
 * Sends one command on a connection of its own and closes it (the assistant page starts a run on a new
 * thread this way; the thread page then follows it). Rejects with the server's CommandError.
 */
export function oneCommand(opts: { apiUrl: string; apiKey?: string; threadId: string; WebSocketImpl?: typeof WebSocket }, method: string, params: Record<string, unknown>): Promise<{ result: Record<string, unknown>; meta?: Record<string, unknown> }> {
  const Impl = opts.WebSocketImpl ?? WebSocket
  return new Promise((resolve, reject) => {
    const url = streamUrl(opts.apiUrl, opts.threadId)
    const ws = opts.apiKey ? new Impl(url, [keyProtocol(opts.apiKey)]) : new Impl(url)
    let done = false
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, method, params }))
    ws.onmessage = (m) => {
      const f = JSON.parse(String(m.data)) as { type?: string; id?: number; result?: Record<string, unknown>; meta?: Record<string, unknown>; error?: string; message?: string; code?: string; details?: unknown }
      if (f.id !== 1) return
      done = true
      ws.close(1000)
      if (f.type === 'success') resolve({ result: f.result ?? {}, meta: f.meta })
      else reject(new CommandError(f.error ?? 'unknown_error', f.message ?? 'the command failed', f.code, f.details))
    }
    ws.onclose = () => { if (!done) reject(new CommandError('disconnected', `the server at ${opts.apiUrl} closed the connection before answering`)) }
  })
}
