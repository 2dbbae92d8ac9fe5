import { create } from 'zustand'
import { apiFetch } from '../api/api-client.js'
import { toApiError } from '../api/api-error.js'

export type ConnectionStatus = 'unknown' | 'up' | 'down' | 'unauthorized'

interface ConnectionStore {
  status: ConnectionStatus
  /** Why the last check failed. */
  message?: string
  /** When the next check runs (ms epoch), while down. */
  retryAt?: number
  /** The server's `/info` (name and version), once up. */
  info?: { version?: string; server?: string }
  /** Bumped each time the server comes back: resources that failed reload on it. */
  epoch: number
  /** Checks `/info` now; while it fails, checks again with backoff (1 s doubling to 10 s). */
  check(): Promise<void>
  /** A request failed as if the server were down: start checking. */
  reportDown(message: string): void
}

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 10_000]
let timer: ReturnType<typeof setTimeout> | undefined
let failures = 0

/** Whether the API server answers, with a retry loop while it does not. */
export const useConnection = create<ConnectionStore>((set, get) => ({
  status: 'unknown',
  epoch: 0,
  async check() {
    if (timer) clearTimeout(timer)
    timer = undefined
    try {
      const info = await apiFetch<{ version?: string; server?: string }>('/info')
      failures = 0
      const wasDown = get().status !== 'up'
      set({ status: 'up', message: undefined, retryAt: undefined, info, epoch: get().epoch + (wasDown ? 1 : 0) })
    } catch (e) {
      const err = toApiError(e)
      if (err.kind === 'unauthorized') {
        set({ status: 'unauthorized', message: err.message, retryAt: undefined })
        return
      }
      get().reportDown(err.message)
    }
  },
  reportDown(message) {
    if (timer) return
    const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!
    failures++
    set({ status: 'down', message, retryAt: Date.now() + wait })
    timer = setTimeout(() => { timer = undefined; void get().check() }, wait)
  },
}))
