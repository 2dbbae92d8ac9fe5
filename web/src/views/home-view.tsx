import { Link } from 'wouter'
import type { ThreadStatus } from '@langchain/langgraph-sdk'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel } from '../components/error-panel.js'
import { AssistantsView } from './assistants-view.js'

const STATUSES: (ThreadStatus | 'all')[] = ['all', 'busy', 'interrupted', 'idle', 'error']
const LABEL: Record<string, string> = { all: 'Total', busy: 'Running', interrupted: 'Interrupted', idle: 'Completed', error: 'Failed' }

/** The overview: workflow statistics (threads by status) and the assistants. */
export function HomeView() {
  const stats = useResource('stats', async () => {
    const counts = await Promise.all(STATUSES.map((s) => call((c) => c.threads.count(s === 'all' ? {} : { status: s }))))
    return STATUSES.map((s, i) => ({ status: s, count: counts[i]! }))
  })
  return (
    <>
      <section className="panel" aria-labelledby="stats-title">
        <h1 id="stats-title">Workflows</h1>
        {stats.error ? <ErrorPanel error={stats.error} what="the statistics" onRetry={stats.reload} /> : null}
        <ul className="stats">
          {(stats.data ?? STATUSES.map((s) => ({ status: s, count: undefined }))).map(({ status, count }) => (
            <li key={status} className={`stat status-${status}`}>
              <Link href={status === 'all' ? paths.threads() : `${paths.threads()}?status=${status}`}>
                <span className="stat-count" data-testid={`stat-${status}`}>{count ?? '…'}</span>
                <span className="stat-label">{LABEL[status]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <AssistantsView />
    </>
  )
}
