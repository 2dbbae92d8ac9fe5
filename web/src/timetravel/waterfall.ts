import type { Run } from '@langchain/langgraph-sdk'
import type { RunEvent } from './debug-source.js'
import type { HistoryTree } from './history-tree.js'

/** One bar of the waterfall: a run's wait in the queue, one of its attempts, or a node's span. */
export interface Span {
  id: string
  kind: 'queue' | 'attempt' | 'node'
  label: string
  runId: string
  attempt: number
  start: number
  end: number
  /** The checkpoint the node's step wrote (what the scrubber shows for this bar). */
  checkpointId?: string
  error?: boolean
}

const ms = (iso: string | undefined | null) => (iso ? Date.parse(iso) : Number.NaN)

/**
 * The thread's runs as bars in time: per run its queue wait (queued → first attempt), each attempt its
 * own bar (a run retried after a crash has several), and the node spans of each attempt — from the run's
 * `tasks` events when it streamed them (start and result of every task), else from its checkpoints (a
 * step's nodes ran from the checkpoint before it to the one it wrote).
 */
export function buildWaterfall(runs: readonly Run[], events: Readonly<Record<string, readonly RunEvent[]>>, tree: HistoryTree | undefined): Span[] {
  const spans: Span[] = []
  const checkpoints = tree ? tree.order.map((id) => tree.byId.get(id)!).filter((n) => Number.isFinite(ms(n.createdAt))) : []
  const ordered = [...runs].sort((a, b) => ms(a.created_at) - ms(b.created_at))
  for (const run of ordered) {
    const evs = events[run.run_id] ?? []
    const queued = ms(run.created_at)
    const ended = Math.max(ms(run.updated_at), ...evs.map((e) => ms(e.created_at)).filter(Number.isFinite))
    const attempts = evs.filter((e) => e.event === 'metadata' && Number.isFinite(ms(e.created_at)))
      .map((e) => ({ n: Number((e.data as { attempt?: number }).attempt ?? 1), at: ms(e.created_at) }))
    if (attempts.length === 0) attempts.push({ n: 1, at: queued })
    const firstStart = attempts[0]!.at
    spans.push({ id: `${run.run_id}:queue`, kind: 'queue', label: 'queued', runId: run.run_id, attempt: 0, start: queued, end: Math.max(queued, firstStart) })
    attempts.forEach((a, i) => {
      const until = attempts[i + 1]?.at ?? ended
      spans.push({ id: `${run.run_id}:attempt:${a.n}`, kind: 'attempt', label: `attempt ${a.n}`, runId: run.run_id, attempt: a.n, start: a.at, end: until, ...(run.status === 'error' && i === attempts.length - 1 ? { error: true } : {}) })
      const inAttempt = (t: number) => t >= a.at && t <= until
      const tasks = evs.filter((e) => e.event === 'tasks' && inAttempt(ms(e.created_at)))
      if (tasks.length) {
        // the n-th result of node X wrote the n-th checkpoint of the run whose parent had X next (event
        // times are when they were logged, so they are not compared with the checkpoints' own times)
        const byNode = new Map<string, string[]>()
        for (const c of checkpoints) {
          const t = ms(c.createdAt)
          if (t < queued || t > ended + 1000 || !c.parentId || c.source === 'update' || c.source === 'input') continue
          for (const name of tree!.byId.get(c.parentId)?.next ?? []) byNode.set(name, [...(byNode.get(name) ?? []), c.id])
        }
        const open = new Map<string, { name: string; start: number }>()
        for (const e of tasks) {
          const d = e.data as { id?: string; name?: string; input?: unknown; result?: unknown; error?: unknown }
          if (!d.id || !d.name) continue
          if ('input' in d && !('result' in d)) { open.set(d.id, { name: d.name, start: ms(e.created_at) }); continue }
          const o = open.get(d.id)
          if (!o) continue
          open.delete(d.id)
          const end = ms(e.created_at)
          const cp = byNode.get(o.name)?.shift()
          spans.push({ id: `${run.run_id}:${a.n}:${d.id}`, kind: 'node', label: o.name, runId: run.run_id, attempt: a.n, start: o.start, end, ...(cp ? { checkpointId: cp } : {}), ...(d.error ? { error: true } : {}) })
        }
        for (const [id, o] of open) spans.push({ id: `${run.run_id}:${a.n}:${id}`, kind: 'node', label: o.name, runId: run.run_id, attempt: a.n, start: o.start, end: until, error: true })
        return
      }
      for (const c of checkpoints) {
        const at = ms(c.createdAt)
        if (!inAttempt(at) || !c.parentId) continue
        const p = tree!.byId.get(c.parentId)
        if (!p || c.source === 'update' || c.source === 'input') continue
        const start = Math.max(ms(p.createdAt), a.at)
        for (const name of p.next) spans.push({ id: `${run.run_id}:${a.n}:${c.id}:${name}`, kind: 'node', label: name, runId: run.run_id, attempt: a.n, start, end: at, checkpointId: c.id })
      }
    })
  }
  return spans
}
