import { useState, type FormEvent } from 'react'
import { Link, useLocation, useSearchParams } from 'wouter'
import type { ThreadStatus } from '@langchain/langgraph-sdk'
import { call } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'
import { paths } from '../app/paths.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'

const PAGE = 25
const STATUSES: ThreadStatus[] = ['idle', 'busy', 'interrupted', 'error']

/** `key=value, key2=value2` or a JSON object → a metadata filter (values parsed as JSON when they are). */
export function parseMetadataQuery(text: string): Record<string, unknown> | string {
  const t = text.trim()
  if (!t) return {}
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as unknown
      return j && typeof j === 'object' && !Array.isArray(j) ? j as Record<string, unknown> : 'a JSON object'
    } catch (e) {
      return `not JSON: ${(e as Error).message}`
    }
  }
  const out: Record<string, unknown> = {}
  for (const part of t.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=')
    if (i <= 0) return `"${part}" is not key=value`
    const raw = part.slice(i + 1).trim()
    let v: unknown = raw
    try { v = JSON.parse(raw) } catch { /* a plain string */ }
    out[part.slice(0, i).trim()] = v
  }
  return out
}

/** The server's threads: search by metadata, status and graph, newest first, paged; the URL keeps the query. */
export function ThreadsView() {
  const [params] = useSearchParams()
  const [, navigate] = useLocation()
  const status = params.get('status') ?? ''
  const graph = params.get('graph') ?? ''
  const metadata = params.get('metadata') ?? ''
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0)
  const [form, setForm] = useState({ status, graph, metadata })
  const filter = parseMetadataQuery(metadata)
  const query = typeof filter === 'string' ? undefined : { ...filter, ...(graph ? { graph_id: graph } : {}) }
  const key = `threads:${status}:${graph}:${metadata}:${page}`
  const list = useResource(key, async () => {
    if (!query) return { threads: [], total: 0 }
    const where = { ...(Object.keys(query).length ? { metadata: query } : {}), ...(status ? { status: status as ThreadStatus } : {}) }
    const [threads, total] = await Promise.all([
      call((c) => c.threads.search({ ...where, limit: PAGE, offset: page * PAGE, sortBy: 'updated_at', sortOrder: 'desc' })),
      call((c) => c.threads.count(where)),
    ])
    return { threads, total }
  })
  const go = (p: { status?: string; graph?: string; metadata?: string; page?: number }) => {
    const q = new URLSearchParams()
    const next = { status, graph, metadata, page: 0, ...p }
    if (next.status) q.set('status', next.status)
    if (next.graph) q.set('graph', next.graph)
    if (next.metadata) q.set('metadata', next.metadata)
    if (next.page) q.set('page', String(next.page))
    navigate(`${paths.threads()}${q.size ? `?${q}` : ''}`)
  }
  const submit = (e: FormEvent) => { e.preventDefault(); go({ ...form, page: 0 }) }
  const total = list.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE))
  return (
    <section className="panel" aria-labelledby="threads-title">
      <h1 id="threads-title">Threads</h1>
      <form className="row search" onSubmit={submit} role="search" aria-label="Search threads">
        <label htmlFor="q-status">Status</label>
        <select id="q-status" data-testid="q-status" value={form.status} onChange={(e) => { setForm({ ...form, status: e.target.value }); go({ ...form, status: e.target.value }) }}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <label htmlFor="q-graph">Graph</label>
        <input id="q-graph" data-testid="q-graph" value={form.graph} placeholder="sdlc" size={10} onChange={(e) => setForm({ ...form, graph: e.target.value })} />
        <label htmlFor="q-metadata">Metadata</label>
        <input id="q-metadata" data-testid="q-metadata" value={form.metadata} placeholder='owner=alice, or {"owner":"alice"}' size={28} onChange={(e) => setForm({ ...form, metadata: e.target.value })} />
        <button type="submit" className="primary">Search</button>
      </form>
      {typeof filter === 'string' ? <p role="alert" className="error-text">Metadata: {filter}</p> : null}
      {list.error ? <ErrorPanel error={list.error} what="the threads" onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading what="threads" /> : null}
      {list.data?.threads.length === 0 && query ? <p>No thread matches{status || graph || metadata ? ' this search' : ' yet: run a graph (switchyard run sdlc "a todo app")'}.</p> : null}
      {list.data?.threads.length ? (
        <>
          <p className="hint" data-testid="threads-total">{total} thread{total === 1 ? '' : 's'}; page {page + 1} of {pages}</p>
          <table className="list">
            <thead><tr><th scope="col">Thread</th><th scope="col">Status</th><th scope="col">Graph</th><th scope="col">Metadata</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {list.data.threads.map((t) => {
                const m = (t.metadata ?? {}) as Record<string, unknown>
                const rest = Object.entries(m).filter(([k]) => !['graph_id', 'assistant_id'].includes(k))
                return (
                  <tr key={t.thread_id}>
                    <td><Link href={paths.thread(t.thread_id)}><code>{t.thread_id}</code></Link></td>
                    <td><span className={`status status-${t.status}`}>{t.status}</span></td>
                    <td>{String(m.graph_id ?? '')}</td>
                    <td className="meta-cell">{rest.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}</td>
                    <td><time dateTime={t.updated_at}>{new Date(t.updated_at).toLocaleString()}</time></td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <nav className="row pager" aria-label="Pages">
            <button type="button" disabled={page === 0} onClick={() => go({ page: page - 1 })}>Previous page</button>
            <button type="button" data-testid="next-page" disabled={page + 1 >= pages} onClick={() => go({ page: page + 1 })}>Next page</button>
          </nav>
        </>
      ) : null}
    </section>
  )
}
