import { useCallback, useEffect, useRef, useState } from 'react'
import { useConnection } from '../stores/connection-store.js'
import { useSettings } from '../stores/settings-store.js'
import { toApiError, type ApiError } from './api-error.js'

export interface Resource<T> {
  data?: T
  error?: ApiError
  loading: boolean
  reload(): void
}

/**
 * Loads `load()` when `key` changes (and when the API settings change); a load that failed because the
 * server is down is retried by itself when the server is back.
 *
 * @example
 * const thread = useResource(`thread:${id}`, () => call((c) => c.threads.get(id)))
 */
export function useResource<T>(key: string, load: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<{ key?: string; data?: T; error?: ApiError; loading: boolean }>({ loading: true })
  const [tick, setTick] = useState(0)
  const apiUrl = useSettings((s) => s.apiUrl)
  const apiKey = useSettings((s) => s.apiKey)
  const epoch = useConnection((s) => s.epoch)
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    let live = true
    setState((s) => ({ ...(s.key === key ? s : {}), key, loading: true }))
    loadRef.current().then(
      (data) => { if (live) setState({ key, data, loading: false }) },
      (e: unknown) => {
        if (!live) return
        const error = toApiError(e)
        if (error.kind === 'down') useConnection.getState().reportDown(error.message)
        setState({ key, error, loading: false })
      },
    )
    return () => { live = false }
  }, [key, tick, apiUrl, apiKey, epoch])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data: state.key === key ? state.data : undefined, error: state.error, loading: state.loading, reload }
}
