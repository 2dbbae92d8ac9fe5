import { Link } from 'wouter'
import type { ApiError } from '../api/api-error.js'
import { paths } from '../app/paths.js'

const TITLE: Record<ApiError['kind'], string> = {
  'not-found': 'Not found',
  unauthorized: 'Not authorised',
  'bad-request': 'Refused',
  down: 'Server unreachable',
  server: 'Server error',
}

/** A failed load, said plainly: what was asked for, what the server answered, and a way to retry. */
export function ErrorPanel({ error, what, onRetry }: { error: ApiError; what: string; onRetry?: () => void }) {
  return (
    <section className="panel error-panel" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{TITLE[error.kind]}: {what}</h2>
      <p>{error.message}{error.code ? <> (<code>{error.code}</code>)</> : null}</p>
      {error.kind === 'unauthorized' ? <p>Set the server&apos;s API key in <Link href={paths.settings()}>Settings</Link>.</p> : null}
      {error.kind === 'down' ? <p>Retrying while the server is down…</p> : null}
      {onRetry ? <button type="button" onClick={onRetry}>Retry</button> : null}
    </section>
  )
}

export function Loading({ what }: { what: string }) {
  return <p className="loading" aria-live="polite">Loading {what}…</p>
}
