import { useState, type FormEvent } from 'react'
import { useConnection } from '../stores/connection-store.js'
import { useSettings, type ThemeChoice } from '../stores/settings-store.js'

/** The API URL (default: this page's origin) and key, and the theme; saved in localStorage. */
export function SettingsView() {
  const settings = useSettings()
  const [apiUrl, setApiUrl] = useState(settings.apiUrl)
  const [apiKey, setApiKey] = useState(settings.apiKey)
  const [saved, setSaved] = useState(false)
  const info = useConnection((s) => s.info)
  const status = useConnection((s) => s.status)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    settings.save({ apiUrl, apiKey })
    setSaved(true)
    void useConnection.getState().check()
  }
  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-url">API URL</label>
        <input id="api-url" name="apiUrl" type="url" required value={apiUrl} onChange={(e) => { setApiUrl(e.target.value); setSaved(false) }} />
        <p className="hint">Any LangGraph Platform server; the default is the server that served this page ({globalThis.location.origin}). Another origin must allow this one by CORS (<code>switchyard serve --cors</code>).</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="apiKey" type="password" autoComplete="off" value={apiKey} onChange={(e) => { setApiKey(e.target.value); setSaved(false) }} />
        <p className="hint">Sent as <code>x-api-key</code>; leave empty for an open server. Kept in this browser&apos;s localStorage.</p>
        <div className="row">
          <button type="submit">Save</button>
          <button type="button" onClick={() => { settings.reset(); setApiUrl(useSettings.getState().apiUrl); setApiKey(''); void useConnection.getState().check() }}>Reset to defaults</button>
          {saved ? <span role="status" data-testid="settings-saved">Saved.</span> : null}
        </div>
      </form>
      <p data-testid="server-info">Server: {status === 'up' ? `${info?.server ?? 'LangGraph Platform'} ${info?.version ?? ''}` : status}</p>
      <fieldset>
        <legend>Theme</legend>
        {(['system', 'light', 'dark'] as ThemeChoice[]).map((t) => (
          <label key={t} className="inline">
            <input type="radio" name="theme" value={t} checked={settings.theme === t} onChange={() => settings.save({ theme: t })} /> {t}
          </label>
        ))}
      </fieldset>
    </section>
  )
}
