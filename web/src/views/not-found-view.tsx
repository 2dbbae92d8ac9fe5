import { Link, useLocation } from 'wouter'
import { paths } from '../app/paths.js'

/** A URL no route matches. */
export function NotFoundView() {
  const [location] = useLocation()
  return (
    <section className="panel error-panel" role="alert">
      <h1>No such page</h1>
      <p>The debugger has no page at <code>{location}</code>.</p>
      <p><Link href={paths.home()}>Go to the overview</Link></p>
    </section>
  )
}
