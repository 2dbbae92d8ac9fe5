import { create } from 'zustand'

export type ThemeChoice = 'system' | 'light' | 'dark'

export interface Settings {
  /** The LangGraph Platform API the page talks to (default: the page's own origin, i.e. the `switchyard serve` that served it). */
  apiUrl: string
  /** Sent as `x-api-key` when the server has API keys on; empty: none. */
  apiKey: string
  theme: ThemeChoice
}

interface SettingsStore extends Settings {
  save(patch: Partial<Settings>): void
  reset(): void
}

export const SETTINGS_KEY = 'switchyard.settings'

const defaults = (): Settings => ({ apiUrl: globalThis.location?.origin ?? 'http://127.0.0.1:8123', apiKey: '', theme: 'system' })

function load(): Settings {
  try {
    const raw = JSON.parse(globalThis.localStorage?.getItem(SETTINGS_KEY) ?? '{}') as Partial<Settings>
    const d = defaults()
    return {
      apiUrl: typeof raw.apiUrl === 'string' && raw.apiUrl ? raw.apiUrl : d.apiUrl,
      apiKey: typeof raw.apiKey === 'string' ? raw.apiKey : d.apiKey,
      theme: raw.theme === 'light' || raw.theme === 'dark' ? raw.theme : 'system',
    }
  } catch {
    return defaults()
  }
}

const persist = (s: Settings) => {
  try {
    globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify({ apiUrl: s.apiUrl, apiKey: s.apiKey, theme: s.theme }))
  } catch {
    // private mode or quota: the settings live for this page only
  }
}

/** Where the page's API is and how it looks; kept in localStorage. */
export const useSettings = create<SettingsStore>((set, get) => ({
  ...load(),
  save(patch) {
    const apiUrl = patch.apiUrl === undefined ? undefined : patch.apiUrl.trim().replace(/\/+$/, '') || defaults().apiUrl
    set({ ...patch, ...(apiUrl === undefined ? {} : { apiUrl }) })
    persist(get())
  },
  reset() {
    set(defaults())
    persist(get())
  },
}))
