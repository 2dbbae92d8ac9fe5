import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { paths } from '../app/paths.js'
import { useConnection } from '../stores/connection-store.js'
import { useSettings } from '../stores/settings-store.js'

/** Says when the API server is down (and when it is checked again) or refuses the key. */
export function ConnectionBanner() {
  const { status, message, retryAt, check } = useConnection()
  const apiUrl = useSettings((s) => s.apiUrl)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (status !== 'down') return
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [status])
  if (status === 'down') {
    const secs = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0
    return (
      <div className="banner banner-down" role="alert" data-testid="server-down">
        <strong>The server at {apiUrl} is down</strong>: {message}. Retrying in {secs} s.{' '}
        <button type="button" onClick={() => void check()}>Retry now</button>
      </div>
    )
  }
  if (status === 'unauthorized') {
    return (
      <div className="banner banner-down" role="alert" data-testid="server-unauthorized">
        <strong>The server at {apiUrl} refuses the API key</strong> ({message}). <Link href={paths.settings()}>Set the key</Link>.
      </div>
    )
  }
  return null
}
