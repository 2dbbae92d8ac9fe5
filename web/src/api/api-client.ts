import { Client } from '@langchain/langgraph-sdk'
import { useSettings, type Settings } from '../stores/settings-store.js'
import { ApiError, toApiError } from './api-error.js'

let cached: { key: string; client: Client } | undefined

/** The official SDK client for the API in the settings (one per URL + key). */
export function apiClient(settings: Pick<Settings, 'apiUrl' | 'apiKey'> = useSettings.getState()): Client {
  const key = `${settings.apiUrl}\n${settings.apiKey}`
  if (cached?.key !== key) {
    cached = {
      key,
      client: new Client({
        apiUrl: settings.apiUrl,
        apiKey: settings.apiKey || null,
        // the views retry (and say the server is down); the SDK's own retries would only delay that
        callerOptions: { maxRetries: 0 },
      }),
    }
  }
  return cached.client
}

/** Calls the SDK, turning its failures into ApiError. */
export async function call<T>(f: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await f(apiClient())
  } catch (e) {
    throw toApiError(e)
  }
}

/**
 * A JSON request the SDK does not cover (`/api/workflows/...`, `/info`): same URL and key.
 * @throws ApiError on a non-2xx answer or a network failure
 */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const { apiUrl, apiKey } = useSettings.getState()
  const headers = new Headers(init.headers)
  if (apiKey) headers.set('x-api-key', apiKey)
  if (init.body !== undefined) headers.set('content-type', 'application/json')
  let res: Response
  try {
    res = await fetch(`${apiUrl}${path}`, { ...init, headers })
  } catch (e) {
    throw toApiError(e)
  }
  if (!res.ok) throw toApiError({ status: res.status, message: await res.text() })
  if (!(res.headers.get('content-type') ?? '').includes('json')) throw new ApiError('server', `${path}: expected JSON, got ${res.headers.get('content-type') ?? 'nothing'}`, res.status)
  return await res.json() as T
}
