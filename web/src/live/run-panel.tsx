import { memo, useEffect, useState } from 'react'
import { call } from '../api/api-client.js'
import { EventLog } from './event-log.js'
import { InterruptCard } from './interrupt-card.js'
import type { LinkState } from './live-connection.js'
import { currentRun, pendingInterrupts, type LiveState, type NodeLive } from './live-reducer.js'
import { connectionOf, useThreadLive } from './live-store.js'

/** The live connection's state as a banner: reconnecting (try n of 5, in s), or given up (with a retry). */
export function LinkBanner({ link, onRetry }: { link: LinkState; onRetry(): void }) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (link.status !== 'reconnecting') return
    const t = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(t)
  }, [link.status])
  if (link.status === 'reconnecting') {
    const secs = link.retryAt ? Math.max(0, Math.ceil((link.retryAt - now) / 1000)) : 0
    return (
      <div className="banner banner-warn" role="alert" data-testid="live-reconnecting">
        <strong>Live updates interrupted</strong>{link.reason ? ` (${link.reason})` : ''}: reconnecting, try {link.attempt} of 5{secs > 0 ? ` in ${secs} s` : '…'}.{' '}
        <button type="button" onClick={onRetry}>Reconnect now</button>
      </div>
    )
  }
  if (link.status === 'failed') {
    return (
      <div className="banner banner-down" role="alert" data-testid="live-failed">
        <strong>Live updates stopped</strong>: {link.reason ?? 'the connection could not be made'}. <button type="button" onClick={onRetry}>Reconnect</button>
      </div>
    )
  }
  return null
}

const fmtMs = (ms: number | undefined) => (ms === undefined ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`)

/** Run details: per node its status, executions, time (last and total), streamed chunks and token usage, error with stack. */
export const NodeTable = memo(function NodeTable({ nodes }: { nodes: Readonly<Record<string, NodeLive>> }) {
  const [open, setOpen] = useState<string>()
  const rows = Object.entries(nodes).filter(([, n]) => n.count > 0 || n.chunks > 0)
  if (rows.length === 0) return <p className="hint">No node has run yet.</p>
  const total = (n: NodeLive) => n.spans.reduce((s, x) => s + (x.end !== undefined ? x.end - x.start : 0), 0)
  return (
    <table className="list node-table" data-testid="node-table">
      <thead><tr><th>Node</th><th>Status</th><th title="executions">Runs</th><th>Time</th><th>Chunks</th><th>Tokens</th></tr></thead>
      <tbody>
        {rows.map(([id, n]) => (
          <NodeRow key={id} id={id} n={n} total={total(n)} open={open === id} onToggle={() => setOpen(open === id ? undefined : id)} />
        ))}
      </tbody>
    </table>
  )
})

function NodeRow({ id, n, total, open, onToggle }: { id: string; n: NodeLive; total: number; open: boolean; onToggle(): void }) {
  return (
    <>
      <tr data-node={id} className={`node-row node-${n.status}`}>
        <td><button type="button" className="linklike" aria-expanded={open} onClick={onToggle}>{id}</button></td>
        <td><span className={`status status-${n.status}`}>{n.status}</span></td>
        <td>{n.count}</td>
        <td>{fmtMs(n.ms)}{n.count > 1 ? ` / ${fmtMs(total)}` : ''}</td>
        <td>{n.chunks}</td>
        <td data-testid="tokens">{n.usage.total > 0 ? `${n.usage.input}/${n.usage.output}` : '—'}</td>
      </tr>
      {n.error ? (
        <tr className="node-error-row"><td colSpan={6}>
          <div role="alert" className="node-error" data-testid="node-error" data-node={id}>
            <strong>{id} failed:</strong> {n.error}
            {n.stack ? <pre className="stack">{n.stack}</pre> : <small className="hint"> (no stack recorded with the event)</small>}
          </div>
        </td></tr>
      ) : null}
      {open ? (
        <tr><td colSpan={6}>
          <strong>Streamed output</strong>
          <pre className="tokens" data-testid="node-tokens">{n.tokens || '(nothing streamed)'}</pre>
          <strong>Executions</strong>
          <ol className="spans">{n.spans.map((s, i) => <li key={i}>{s.status}, {fmtMs(s.end !== undefined ? s.end - s.start : undefined)} <small>run <code>{s.runId.slice(0, 8)}</code></small></li>)}</ol>
        </td></tr>
      ) : null}
    </>
  )
}

/** The streamed text of the nodes running now, as it arrives. */
function Streaming({ live }: { live: LiveState }) {
  const running = Object.entries(live.nodes).filter(([, n]) => n.status === 'running' && n.tokens)
  if (running.length === 0) return null
  return (
    <div className="streaming" aria-live="off">
      {running.map(([id, n]) => <div key={id}><strong>{id}</strong><pre className="tokens" data-testid="live-tokens" data-node={id}>{n.tokens.slice(-600)}</pre></div>)}
    </div>
  )
}

/**
 * The live side of a thread page: the connection banner, the current run (status, cancel), its pending
 * interrupts with their answers, per-node details and the event log. Everything is derived from the
 * thread's events (the live store's reducer).
 */
export function RunPanel({ threadId }: { threadId: string }) {
  const { live, link } = useThreadLive(threadId)
  const run = currentRun(live)
  const pending = pendingInterrupts(live)
  const [cancelError, setCancelError] = useState<string>()
  const [cancelling, setCancelling] = useState(false)
  const conn = connectionOf(threadId)
  const respond = async (interruptId: string, namespace: string[], response: unknown) => {
    const c = connectionOf(threadId)
    if (!c) throw new Error('not connected')
    await c.send('input.respond', { interrupt_id: interruptId, response, ...(namespace.length ? { namespace } : {}) })
  }
  const cancel = () => {
    if (!run) return
    setCancelling(true)
    setCancelError(undefined)
    call((c) => c.runs.cancel(threadId, run.runId)).catch((e: unknown) => setCancelError((e as Error).message)).finally(() => setCancelling(false))
  }
  return (
    <section className="panel run-panel" aria-labelledby="run-title" data-testid="run-panel" data-link={link.status} data-last-seq={live.lastSeq} data-gaps={live.gaps} data-duplicates={live.duplicates}>
      <LinkBanner link={link} onRetry={() => conn?.retryNow()} />
      <h2 id="run-title">Run {run ? <>
        <code title={run.runId}>{run.runId.slice(0, 8)}</code> <span className={`status status-${run.status}`} data-testid="run-status">{run.status}</span>
        {run.end !== undefined ? <small> {fmtMs(run.end - run.start)}</small> : null}
      </> : <small>none yet</small>}
        {run?.status === 'running' ? <button type="button" className="cancel" onClick={cancel} disabled={cancelling}>Cancel run</button> : null}
      </h2>
      {cancelError ? <p role="alert" className="refused">Cancel failed: {cancelError}</p> : null}
      {run?.error ? <p role="alert" className="node-error" data-testid="run-error"><strong>The run failed:</strong> {run.error}</p> : null}
      {pending.map((i) => <InterruptCard key={i.id} interrupt={i} respond={(r) => respond(i.id, i.namespace, r)} />)}
      <Streaming live={live} />
      <h3>Nodes</h3>
      <NodeTable nodes={live.nodes} />
      <EventLog events={live.log} />
    </section>
  )
}
