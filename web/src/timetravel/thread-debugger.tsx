import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { Run } from '@langchain/langgraph-sdk'
import { Link } from 'wouter'
import { call } from '../api/api-client.js'
import { paths } from '../app/paths.js'
import { toApiError, type ApiError } from '../api/api-error.js'
import { useResource } from '../api/use-resource.js'
import { ErrorPanel, Loading } from '../components/error-panel.js'
import { GraphView } from '../graph/graph-view.js'
import { takenFromHistory, type GraphJson } from '../graph/graph-model.js'
import { unrollLine } from '../graph/unroll.js'
import type { NodeStates } from '../stores/node-states-store.js'
import { useSettings } from '../stores/settings-store.js'
import { assistantOf, exportThread, type DebugSource, type RunEvent } from './debug-source.js'
import { lineThrough, nodeStatesAt, type HistoryTree } from './history-tree.js'
import { checkForkValues, type JsonSchema } from './schema-check.js'
import { diffStates, keySummary, pathText, type Change } from './state-diff.js'
import { useTimeline } from './timeline-store.js'
import { buildWaterfall, type Span } from './waterfall.js'

export interface ThreadDebuggerProps {
  source: DebugSource
  /** The checkpoint in the URL (default: the thread's head). */
  checkpointId?: string
  /** Called when the user selects a checkpoint (the server views put it in the URL). */
  onSelect(checkpointId: string): void
  /**
   * The thread followed live: the node states its events give (running, done with time, error with
   * stack) and a tick that grows with every checkpoint written. With no checkpoint in the URL the view
   * follows the head: the graph draws the live states, the scrubber and waterfall move to each new
   * checkpoint. Selecting a checkpoint leaves the live run for that point in time; `onFollow` comes back.
   */
  live?: { states: NodeStates; tick: number }
  /** Back to the head, following the live run (the server views drop the checkpoint from the URL). */
  onFollow?(): void
  /** Drawn beside the graph (the live run panel). */
  side?: ReactNode
}

/** How a node that ran several times is drawn: once with its count, or once per execution in order. */
export type LoopMode = 'counted' | 'unrolled'

/** The toggle between the two loop drawings (a pair of pressed buttons). */
export function LoopToggle({ mode, onChange }: { mode: LoopMode; onChange(m: LoopMode): void }) {
  return (
    <div className="loop-toggle" role="group" aria-label="Loops">
      <span className="hint">Loops:</span>
      <button type="button" data-testid="loops-counted" aria-pressed={mode === 'counted'} onClick={() => onChange('counted')}>counted</button>
      <button type="button" data-testid="loops-unrolled" aria-pressed={mode === 'unrolled'} onClick={() => onChange('unrolled')}>unrolled</button>
    </div>
  )
}

const short = (id: string) => id.slice(-8)
const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'undefined'

/** Moves focus among a list's buttons with the arrow keys, Home and End. */
function arrowNav(e: KeyboardEvent<HTMLElement>) {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End']
  if (!keys.includes(e.key)) return
  const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-nav]')]
  const i = items.indexOf(document.activeElement as HTMLButtonElement)
  const next = e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))
  items[next]?.focus()
  e.preventDefault()
}

/** The checkpoints as a tree: one row per checkpoint in time order, indented by branch, forks marked. */
function CheckpointTree({ tree, selected, onSelect }: { tree: HistoryTree; selected?: string; onSelect(id: string): void }) {
  const rows = [...tree.order].reverse()
  return (
    <nav className="cp-tree" aria-label="Checkpoints (newest first; arrow keys move)" onKeyDown={arrowNav}>
      <ol>
        {rows.map((id) => {
          const n = tree.byId.get(id)!
          const b = tree.branches[n.branch]!
          const forkStart = b.forkOf !== undefined && b.ids[0] === id
          return (
            <li key={id} style={{ paddingLeft: `${Math.min(n.branch, 6) * 1.1}rem` }} className={`lane-${n.branch % 6}`}>
              <button type="button" data-nav data-testid={`cp-${id}`} data-checkpoint={id} aria-current={id === selected ? 'true' : undefined}
                className={id === selected ? 'cp selected' : 'cp'} onClick={() => onSelect(id)}>
                <span className="cp-step">#{n.step}</span>{' '}
                <span className="cp-next">{n.next.length ? `→ ${n.next.join(', ')}` : n.parentId ? 'end' : 'start'}</span>{' '}
                <span className="cp-meta">{n.source}{n.branch ? `, branch ${n.branch}` : ''}{forkStart ? ` (fork of #${tree.byId.get(b.forkOf!)?.step ?? '?'})` : ''}{n.errors.length ? ', error' : ''}{n.interrupted.length ? ', interrupted' : ''}</span>
                <code className="cp-id">{short(id)}</code>
              </button>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}

function ChangeList({ changes, testId }: { changes: Change[]; testId: string }) {
  if (changes.length === 0) return <p data-testid={testId}>No difference.</p>
  return (
    <ul className="changes" data-testid={testId}>
      {changes.map((c, i) => (
        <li key={i} className={`change change-${c.kind}`}>
          <span className="change-kind">{c.kind}</span> <code>{pathText(c.path)}</code>
          {c.kind === 'changed' ? <div className="change-values"><pre tabIndex={0} aria-label="before">{json(c.before)}</pre><pre tabIndex={0} aria-label="after">{json(c.after)}</pre></div> : null}
          {c.kind === 'added' ? <pre tabIndex={0}>{json(c.after)}</pre> : null}
          {c.kind === 'removed' ? <pre tabIndex={0}>{json(c.before)}</pre> : null}
        </li>
      ))}
    </ul>
  )
}

function Summary({ before, after }: { before: unknown; after: unknown }) {
  const s = keySummary(before, after)
  return (
    <p className="diff-summary" data-testid="diff-summary">
      Keys added: <strong>{s.added.join(', ') || 'none'}</strong>; removed: <strong>{s.removed.join(', ') || 'none'}</strong>; changed: <strong>{s.changed.join(', ') || 'none'}</strong>.
    </p>
  )
}

/** The waterfall: per run its queue wait, each attempt, and node spans; the span of the scrub point is marked. */
function Waterfall({ spans, selected, onSelect, runHref }: { spans: Span[]; selected?: string; onSelect(id: string): void; runHref?: (runId: string) => string }) {
  if (spans.length === 0) return <p className="hint">No runs on this thread (its checkpoints were written by state updates).</p>
  // each run on its own time axis (runs of a thread can be days apart)
  const axis = new Map<string, { t0: number; t1: number }>()
  for (const s of spans) {
    const a = axis.get(s.runId) ?? { t0: s.start, t1: s.end }
    axis.set(s.runId, { t0: Math.min(a.t0, s.start), t1: Math.max(a.t1, s.end, a.t0 + 1) })
  }
  return (
    <div className="waterfall" role="list" aria-label={`Waterfall: ${axis.size} run${axis.size === 1 ? '' : 's'}, ${spans.filter((s) => s.kind === 'node').length} node spans, each run on its own time axis`} onKeyDown={arrowNav}>
      {spans.map((s) => {
        const { t0, t1 } = axis.get(s.runId)!
        const pct = (t: number) => `${(((t - t0) / (t1 - t0)) * 100).toFixed(3)}%`
        const dur = Math.max(0, s.end - s.start)
        const on = s.checkpointId !== undefined && s.checkpointId === selected
        const label = `${s.label}: ${dur} ms${s.kind === 'node' ? '' : ` (run ${short(s.runId)})`}`
        return (
          <div role="listitem" key={s.id} className={`wf-row wf-${s.kind}${on ? ' on' : ''}${s.error ? ' wf-error' : ''}`}>
            <span className="wf-label">{s.kind === 'queue' && runHref ? <Link href={runHref(s.runId)}>run {short(s.runId)}</Link> : s.kind === 'queue' ? `run ${short(s.runId)}` : s.label}{s.kind === 'queue' ? ' queued' : ''}</span>
            <span className="wf-track">
              {s.checkpointId ? (
                <button type="button" data-nav className="wf-bar" style={{ left: pct(s.start), width: `max(3px, ${pct(t0 + dur)})` }} title={label} aria-label={`${label}; show its checkpoint`} onClick={() => onSelect(s.checkpointId!)} />
              ) : <span className="wf-bar" style={{ left: pct(s.start), width: `max(3px, ${pct(t0 + dur)})` }} title={label} />}
            </span>
            <span className="wf-ms">{dur} ms</span>
          </div>
        )
      })}
    </div>
  )
}

function ForkPanel({ source, assistantId, tree, selected, values, graph, onForked }: {
  source: DebugSource; assistantId?: string; tree: HistoryTree; selected: string; values: unknown; graph?: GraphJson; onForked(checkpointId: string, what: string): void
}) {
  const original = useMemo(() => json(values ?? {}), [values])
  const [text, setText] = useState(original)
  const [asNode, setAsNode] = useState('')
  const [busy, setBusy] = useState<string>()
  const [failure, setFailure] = useState<ApiError>()
  // a new checkpoint (after a fork: the fork's) starts from its own state; what was done stays said
  useEffect(() => { setText(original); setFailure(undefined) }, [original, selected])
  const schemas = useResource(`schemas:${assistantId ?? ''}`, async () => (assistantId ? call((c) => c.assistants.getSchemas(assistantId)) : undefined))
  const schema = schemas.data?.state_schema as JsonSchema | undefined
  const checked = useMemo(() => checkForkValues(text, schema), [text, schema])
  const nodes = (graph?.nodes ?? []).map((n) => String(n.id)).filter((id) => !id.includes(':') && !id.startsWith('__'))
  const parentNext = tree.byId.get(tree.byId.get(selected)?.parentId ?? '')?.next ?? []
  const act = async (what: string, f: () => Promise<string>) => {
    setBusy(what); setFailure(undefined)
    try {
      const cp = await f()
      onForked(cp, what)
    } catch (e) {
      setFailure(toApiError(e))
    } finally {
      setBusy(undefined)
    }
  }
  // only the keys edited: a fork's values go through the graph's reducers as if `as_node` returned them
  const edits = () => {
    const before = (values ?? {}) as Record<string, unknown>
    return Object.fromEntries(Object.entries(checked.value ?? {}).filter(([k, v]) => JSON.stringify(before[k]) !== JSON.stringify(v)))
  }
  const fork = async (run: boolean) => {
    const r = await call((c) => c.threads.updateState(source.threadId, { values: edits(), checkpointId: selected, ...(asNode ? { asNode } : {}) }))
    // the official server answers {checkpoint: {...}}, the SDK's type says {configurable: {...}}
    const answer = r as { checkpoint?: { checkpoint_id?: string }; configurable?: { checkpoint_id?: string } }
    const cp = answer.checkpoint?.checkpoint_id ?? answer.configurable?.checkpoint_id
    if (!cp) throw new Error(`the server answered the fork with no checkpoint: ${JSON.stringify(r)}`)
    if (run && assistantId) {
      const started = await call((c) => c.runs.create(source.threadId, assistantId, { input: null, checkpointId: cp }))
      await call((c) => c.runs.join(source.threadId, started.run_id))
    }
    return cp
  }
  const replay = async () => {
    if (!assistantId) throw new Error('the thread names no assistant to replay with')
    const started = await call((c) => c.runs.create(source.threadId, assistantId, { input: null, checkpointId: selected }))
    await call((c) => c.runs.join(source.threadId, started.run_id))
    const head = await call((c) => c.threads.getState(source.threadId))
    return head.checkpoint.checkpoint_id ?? selected
  }
  if (source.offline) return <p className="hint">This thread was opened from a file: fork and replay need its server.</p>
  return (
    <div className="fork-panel">
      <p className="hint">Fork: a new checkpoint after <code>{short(selected)}</code> with the edited state (only the keys you change are written, through the graph&apos;s reducers), on a new branch. Replay: run the graph again from this checkpoint.</p>
      <label htmlFor="fork-values">State (JSON)</label>
      <textarea id="fork-values" data-testid="fork-values" rows={12} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={checked.errors.length > 0} aria-describedby="fork-errors" />
      <div id="fork-errors" aria-live="polite">
        {checked.errors.length ? <ul className="fork-errors" data-testid="fork-errors">{checked.errors.map((e) => <li key={e}>{e}</li>)}</ul> : <p className="hint">{schema ? 'Fits the state schema.' : 'Valid JSON (no state schema to check against).'}</p>}
      </div>
      <label htmlFor="fork-as-node">As node</label>
      <select id="fork-as-node" data-testid="fork-as-node" value={asNode} onChange={(e) => setAsNode(e.target.value)}>
        <option value="">(the graph decides{parentNext.length ? `: ${parentNext.join(', ')}` : ''})</option>
        {nodes.map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
      <div className="row">
        <button type="button" className="primary" data-testid="fork" disabled={!!busy || checked.errors.length > 0} onClick={() => void act('fork', () => fork(false))}>Fork here</button>
        <button type="button" data-testid="fork-run" disabled={!!busy || checked.errors.length > 0 || !assistantId} onClick={() => void act('fork and run', () => fork(true))}>Fork and run</button>
        <button type="button" data-testid="replay" disabled={!!busy || !assistantId} onClick={() => void act('replay', replay)}>Replay from here</button>
        {busy ? <span role="status">{busy}…</span> : null}
      </div>
      {failure ? <div role="alert" className="fork-failure" data-testid="fork-failure">The server refused: {failure.message}{failure.code ? <> (<code>{failure.code}</code>)</> : null}</div> : null}
    </div>
  )
}

function ComparePanel({ tree, selected }: { tree: HistoryTree; selected: string }) {
  const ensureState = useTimeline((s) => s.ensureState)
  const states = useTimeline((s) => s.states)
  const heads = tree.branches.map((b) => b.ids.at(-1)!).filter(Boolean)
  const [other, setOther] = useState(() => heads.find((h) => h !== selected) ?? tree.order[0] ?? selected)
  useEffect(() => { void ensureState(selected); void ensureState(other) }, [selected, other, ensureState])
  const a = states[selected]?.values
  const b = states[other]?.values
  const label = (id: string) => {
    const n = tree.byId.get(id)!
    return `#${n.step} ${n.next.join(', ') || (n.parentId ? 'end' : 'start')} · branch ${n.branch}${heads.includes(id) ? ' (head)' : ''} · ${short(id)}`
  }
  return (
    <div className="compare">
      <label htmlFor="compare-with">Compare with</label>{' '}
      <select id="compare-with" data-testid="compare-with" value={other} onChange={(e) => setOther(e.target.value)}>
        <optgroup label="Branch heads">{heads.map((h) => <option key={`h${h}`} value={h}>{label(h)}</option>)}</optgroup>
        <optgroup label="All checkpoints">{[...tree.order].reverse().map((id) => <option key={id} value={id}>{label(id)}</option>)}</optgroup>
      </select>
      {a === undefined || b === undefined ? <Loading what="the two states" /> : (
        <>
          <Summary before={a} after={b} />
          <div className="side-by-side">
            <section aria-label={`State at ${label(selected)}`}><h3>{label(selected)}</h3><pre tabIndex={0}>{json(a)}</pre></section>
            <section aria-label={`State at ${label(other)}`}><h3>{label(other)}</h3><pre tabIndex={0}>{json(b)}</pre></section>
          </div>
          <h3>Differences (selected → compared)</h3>
          <ChangeList changes={diffStates(a, b)} testId="compare-changes" />
        </>
      )}
    </div>
  )
}

type Tab = 'state' | 'diff' | 'fork' | 'compare'
const TABS: { id: Tab; label: string }[] = [{ id: 'state', label: 'State' }, { id: 'diff', label: 'Diff with parent' }, { id: 'fork', label: 'Fork / replay' }, { id: 'compare', label: 'Compare' }]

/**
 * The synchronised view of a thread: the graph at the scrub point, the scrubber along the selected
 * checkpoint's line, the waterfall of the thread's runs, the checkpoint tree, and the selected
 * checkpoint's state, diff, fork and compare — all on one selection.
 */
export function ThreadDebugger({ source, checkpointId, onSelect, live, onFollow, side }: ThreadDebuggerProps) {
  const { open, tree, thread, error, states, stateErrors, ensureState } = useTimeline()
  const apiUrl = useSettings((s) => s.apiUrl)
  const reload = useCallback(() => open(source), [open, source])
  useEffect(() => { void reload() }, [reload])
  // the live run wrote checkpoints: reload the timeline (at most once a second, the last tick always)
  const tick = live?.tick ?? 0
  const lastLoad = useRef(0)
  useEffect(() => {
    if (tick === 0) return
    const wait = Math.max(0, lastLoad.current + 1_000 - Date.now())
    const t = setTimeout(() => { lastLoad.current = Date.now(); void reload() }, wait)
    return () => clearTimeout(t)
  }, [tick, reload])
  const following = live !== undefined && checkpointId === undefined
  const [loops, setLoops] = useState<LoopMode>('counted')
  const selected = checkpointId && tree?.byId.has(checkpointId) ? checkpointId : tree?.head
  const parentId = selected ? tree?.byId.get(selected)?.parentId : undefined
  useEffect(() => {
    if (selected) void ensureState(selected)
    if (parentId) void ensureState(parentId)
  }, [selected, parentId, ensureState])
  const graph = useResource(`dbg-graph:${source.offline ? 'file' : 'api'}:${source.threadId}:${thread ? 1 : 0}`, async () => (thread ? source.graph(thread) : undefined))
  const versions = useResource(`dbg-versions:${source.offline ? 'file' : 'api'}:${source.threadId}:${tree?.order.length ?? 0}`, () => source.versions())
  const runsAndEvents = useResource(`dbg-runs:${source.offline ? 'file' : 'api'}:${source.threadId}:${tree?.order.length ?? 0}`, async () => {
    const runs: Run[] = await source.runs()
    const events: Record<string, RunEvent[]> = {}
    await Promise.all(runs.map(async (r) => { events[r.run_id] = await source.events(r.run_id) }))
    return { runs, events }
  })
  const [tab, setTab] = useState<Tab>('state')
  const [showOld, setShowOld] = useState(false)
  // what the last fork or replay did (said above the tabs: the fork panel remounts on the new checkpoint)
  const [forkNote, setForkNote] = useState<string>()
  const [exporting, setExporting] = useState<string>()
  const scrubRef = useRef<HTMLInputElement>(null)
  const line = useMemo(() => (tree && selected ? lineThrough(tree, selected) : []), [tree, selected])
  const historyStates = useMemo(() => (tree && selected ? nodeStatesAt(tree, selected) : {}), [tree, selected])
  // one overlay: the live run's while following the head, the scrub point's otherwise
  const liveStates = following && live && Object.keys(live.states).length > 0 ? live.states : undefined
  const nodeStates = liveStates ?? historyStates
  const taken = useMemo(() => (tree ? takenFromHistory(line.map((id) => ({ next: tree.byId.get(id)!.next, metadata: { step: tree.byId.get(id)!.step } }))) : new Set<string>()), [tree, line])
  const spans = useMemo(() => (runsAndEvents.data ? buildWaterfall(runsAndEvents.data.runs, runsAndEvents.data.events, tree) : []), [runsAndEvents.data, tree])

  // graph drift: the version of the run that wrote the selected checkpoint, against today's
  const drift = useMemo(() => {
    const v = versions.data
    if (!v?.current_hash || !selected || !tree) return undefined
    const at = Date.parse(tree.byId.get(selected)?.createdAt ?? '')
    const run = [...v.runs].reverse().find((r) => Date.parse(r.started_at) <= at + 1 && r.graph_hash)
    if (!run || run.graph_hash === v.current_hash) return undefined
    return { hash: run.graph_hash!, drawing: v.versions.find((x) => x.graph_hash === run.graph_hash)?.drawing, current: v.current_hash }
  }, [versions.data, selected, tree])

  // the live panel stays up whatever the timeline's state (a run just started has no checkpoint yet)
  if (error) return <><ErrorPanel error={error} what={`the checkpoints of thread ${source.threadId}`} onRetry={() => void reload()} />{side}</>
  if (!tree || !thread) return <><Loading what={`the checkpoints of thread ${source.threadId}`} />{side}</>
  if (checkpointId && !tree.byId.has(checkpointId)) {
    return <ErrorPanel error={toApiError({ status: 404, message: `thread ${source.threadId} has no checkpoint ${checkpointId}` })} what={`checkpoint ${checkpointId}`} />
  }
  if (!selected) return <><p>This thread has no checkpoints yet: run a graph on it.</p>{side}</>
  const node = tree.byId.get(selected)!
  const full = states[selected]
  const parentFull = parentId ? states[parentId] : undefined
  const pos = line.indexOf(selected)
  const assistantId = assistantOf(thread)
  const base = drift && showOld && drift.drawing ? drift.drawing : graph.data
  // loops unrolled: one node per execution up to the scrub point, in the order they ran
  const steps = line.slice(0, pos + 1).map((id) => tree.byId.get(id)!)
  const unrolled = base && loops === 'unrolled' ? unrollLine(base, steps, { ended: node.next.length === 0 && node.parentId !== undefined, ...(liveStates ? { current: liveStates } : {}) }) : undefined
  const drawn = unrolled?.graph ?? base

  const download = async () => {
    setExporting('exporting…')
    try {
      const bundle = await exportThread(source, apiUrl)
      const url = URL.createObjectURL(new Blob([JSON.stringify(bundle)], { type: 'application/json' }))
      const a = document.createElement('a')
      a.href = url
      a.download = `thread-${source.threadId}.json`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setExporting(`exported ${bundle.history.length} checkpoints, ${bundle.runs.length} runs`)
    } catch (e) {
      setExporting(`export failed: ${toApiError(e).message}`)
    }
  }

  return (
    <div className="debugger" data-testid="debugger" data-selected={selected}>
      <section className="panel dbg-graph" aria-labelledby="dbg-graph-title">
        <div className="row">
          <h2 id="dbg-graph-title">Graph at step {node.step}</h2>
          <span className="hint">{node.next.length ? `about to run ${node.next.join(', ')}` : node.parentId ? 'the run ended here' : 'the thread starts here'}</span>
          <span className="spacer" />
          <button type="button" data-testid="export" onClick={() => void download()}>Export thread (JSON)</button>
          {exporting ? <span role="status" data-testid="export-status">{exporting}</span> : null}
          {!source.offline ? <button type="button" onClick={() => void reload()}>Refresh</button> : null}
        </div>
        {drift ? (
          <div className="drift" role="note" data-testid="drift">
            This checkpoint was made under another version of the graph (<code>{drift.hash.slice(0, 12)}</code>) than today&apos;s (<code>{drift.current.slice(0, 12)}</code>).{' '}
            {drift.drawing ? <button type="button" data-testid="drift-toggle" aria-pressed={showOld} onClick={() => setShowOld((s) => !s)}>{showOld ? 'Show today\u2019s drawing' : 'Show the drawing it ran under'}</button> : 'Its drawing was not kept.'}
          </div>
        ) : null}
        {graph.error ? <ErrorPanel error={graph.error} what="the graph" onRetry={graph.reload} /> : null}
        <div className="row follow-row">
          {live ? (following
            ? <span className="following" data-testid="following" role="status">Live at the head: new checkpoints and running nodes show here as they happen. Scrub or pick a checkpoint to look back.</span>
            : <><span className="hint" data-testid="not-following">Looking at checkpoint {short(selected)}.</span> <button type="button" data-testid="follow-live" onClick={() => onFollow?.()}>Follow the live run</button></>) : null}
          <span className="spacer" />
          <LoopToggle mode={loops} onChange={setLoops} />
        </div>
        <div className={side ? 'graph-with-side' : undefined}>
          <div className="thread-graph" data-testid="thread-graph" data-loops={loops} data-following={following ? 'true' : 'false'}>
            {drawn ? <GraphView graph={drawn} label={`graph of thread ${source.threadId} at step ${node.step}${showOld && drift ? ' (the version it ran under)' : ''}${unrolled ? ', loops unrolled' : ''}`} nodeStates={unrolled?.states ?? nodeStates} taken={unrolled ? undefined : taken} /> : !graph.error ? <Loading what="the graph" /> : null}
          </div>
          {side}
        </div>
        <div className="scrubber">
          <button type="button" aria-label="Previous checkpoint" disabled={pos <= 0} onClick={() => onSelect(line[pos - 1]!)}>◀</button>
          <input ref={scrubRef} type="range" min={0} max={Math.max(0, line.length - 1)} value={Math.max(0, pos)} data-testid="scrubber"
            aria-label="Scrub through the checkpoints of this branch" aria-valuetext={`step ${node.step}, checkpoint ${pos + 1} of ${line.length}`}
            onChange={(e) => onSelect(line[Number(e.target.value)]!)} />
          <button type="button" aria-label="Next checkpoint" disabled={pos >= line.length - 1} onClick={() => onSelect(line[pos + 1]!)}>▶</button>
          <span data-testid="scrub-pos">checkpoint {pos + 1} of {line.length} · step {node.step} · branch {node.branch}</span>
        </div>
      </section>
      <section className="panel" aria-labelledby="wf-title">
        <h2 id="wf-title">Runs: queue wait, attempts and node spans</h2>
        {runsAndEvents.error ? <ErrorPanel error={runsAndEvents.error} what="the runs" onRetry={runsAndEvents.reload} /> : null}
        {runsAndEvents.data ? <Waterfall spans={spans} selected={selected} onSelect={onSelect} {...(source.offline ? {} : { runHref: (r: string) => paths.run(source.threadId, r) })} /> : !runsAndEvents.error ? <Loading what="the runs" /> : null}
      </section>
      <div className="dbg-columns">
        <section className="panel" aria-labelledby="tree-title">
          <h2 id="tree-title">Checkpoints <small>({tree.order.length}, {tree.branches.length} branch{tree.branches.length === 1 ? '' : 'es'})</small></h2>
          <CheckpointTree tree={tree} selected={selected} onSelect={onSelect} />
        </section>
        <section className="panel dbg-detail" aria-labelledby="detail-title">
          <h2 id="detail-title">Checkpoint <code data-testid="selected-id">{selected}</code></h2>
          <p className="hint">step {node.step}, {node.source}{node.createdAt ? `, ${new Date(node.createdAt).toLocaleString()}` : ''}{parentId ? <>, parent <button type="button" className="linkish" onClick={() => onSelect(parentId)}><code>{short(parentId)}</code></button></> : ''}</p>
          {forkNote ? <p role="status" data-testid="fork-done">{forkNote}.</p> : null}
          <div role="tablist" aria-label="Checkpoint details" onKeyDown={(e) => {
            const i = TABS.findIndex((t) => t.id === tab)
            if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
            const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!
            setTab(next.id)
            document.getElementById(`tab-${next.id}`)?.focus()
          }}>
            {TABS.map((t) => (
              <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} data-testid={`tab-${t.id}`} onClick={() => setTab(t.id)}>{t.label}</button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
            {stateErrors[selected] ? <ErrorPanel error={stateErrors[selected]!} what={`the state at ${selected}`} /> : null}
            {tab === 'state' ? (full ? (
              <>
                <pre tabIndex={0} data-testid="checkpoint-values">{json(full.values)}</pre>
                <h3>Metadata</h3>
                <pre tabIndex={0}>{json(full.metadata)}</pre>
              </>
            ) : <Loading what="the state" />) : null}
            {tab === 'diff' ? (!parentId ? <p>The thread&apos;s first checkpoint: nothing to compare with.</p> : full && parentFull ? (
              <>
                <Summary before={parentFull.values} after={full.values} />
                <ChangeList changes={diffStates(parentFull.values, full.values)} testId="diff-changes" />
              </>
            ) : <Loading what="the two states" />) : null}
            {tab === 'fork' ? (full ? <ForkPanel source={source} assistantId={assistantId} tree={tree} selected={selected} values={full.values} graph={graph.data} onForked={(cp, what) => { setForkNote(`${what}: done, checkpoint ${short(cp)} selected`); void reload().then(() => onSelect(cp)) }} /> : <Loading what="the state" />) : null}
            {tab === 'compare' ? <ComparePanel tree={tree} selected={selected} /> : null}
          </div>
        </section>
      </div>
    </div>
  )
}
