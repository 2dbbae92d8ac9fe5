import { useEffect } from 'react'
import { Link, Route, Router, Switch, useRoute } from 'wouter'
import { ConnectionBanner } from '../components/connection-banner.js'
import { ThemeToggle } from '../components/theme-toggle.js'
import { useConnection } from '../stores/connection-store.js'
import { useSettings } from '../stores/settings-store.js'
import { NotFoundView } from '../views/not-found-view.js'
import { BASE } from './paths.js'
import { ROUTES, type AppRoute } from './route-table.js'

function NavLink({ route }: { route: AppRoute }) {
  const [active] = useRoute(route.path === '/' ? '/' : `${route.path}/*?`)
  return <Link href={route.path} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>{route.nav}</Link>
}

/** Header with navigation and the server's state, then the page of the current URL. */
export function AppShell() {
  const apiUrl = useSettings((s) => s.apiUrl)
  const apiKey = useSettings((s) => s.apiKey)
  useEffect(() => { void useConnection.getState().check() }, [apiUrl, apiKey])
  return (
    <Router base={BASE}>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <Link href="/" className="brand">Switchyard</Link>
        <nav aria-label="Main">
          {ROUTES.filter((r) => r.nav).map((r) => <NavLink key={r.path} route={r} />)}
        </nav>
        <span className="server-url" title="API server">{apiUrl}</span>
        <ThemeToggle />
      </header>
      <ConnectionBanner />
      <main id="main" tabIndex={-1}>
        <Switch>
          {ROUTES.map((r) => <Route key={r.group ?? r.path} path={r.path} component={r.view} />)}
          <Route component={NotFoundView} />
        </Switch>
      </main>
    </Router>
  )
}
