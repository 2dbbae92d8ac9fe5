import type { Run, Thread } from '@langchain/langgraph-sdk'
import { apiFetch, call } from '../api/api-client.js'
import { ApiError } from '../api/api-error.js'
import type { GraphJson } from '../graph/graph-model.js'
import type { HistoryState } from './history-tree.js'

/** One event of a run's durable log, with the time it was logged (`GET /api/threads/{id}/runs/{run}/events`). */
export interface RunEvent { seq: number; event: string; data: unknown; created_at?: string }

/** The versions of the graph a thread's runs executed (`GET /api/threads/{id}/graph-versions`). */
export interface GraphVersions {
  graph_id: string | null
  current_hash: string | null
  runs: { run_id: string; attempt: number; graph_hash: string | null; started_at: string }[]
  versions: { graph_hash: string; graph_id: string; created_at: string; drawing: GraphJson }[]
}

/** A thread exported as one JSON file: everything the debugger shows, readable with no server. */
export interface ThreadExport {
  format: 'switchyard.thread-export'
  version: 1
  exported_at: string
  /** The API the thread came from. */
  source: string
  thread: Thread
  graph?: GraphJson
  graph_versions?: GraphVersions
  /** Every checkpoint with its full state, newest first (as the history API answers). */
  history: HistoryState[]
  runs: Run[]
  events: Record<string, RunEvent[]>
}

/** Where the debugger reads a thread from: the server over HTTP, or an exported file. */
export interface DebugSource {
  readonly threadId: string
  /** A file: read-only (no fork, no replay). */
  readonly offline: boolean
  thread(): Promise<Thread>
  /** Every checkpoint, without values (the timeline). */
  timeline(): Promise<HistoryState[]>
  /** One checkpoint's full state. */
  state(checkpointId: string): Promise<HistoryState>
  graph(thread: Thread): Promise<GraphJson | undefined>
  versions(): Promise<GraphVersions | undefined>
  runs(): Promise<Run[]>
  events(runId: string): Promise<RunEvent[]>
}

const TIMELINE_FIELDS = ['checkpoint', 'parent_checkpoint', 'metadata', 'next', 'created_at', 'tasks'] as const
const PAGE = 1000
/** The most checkpoints the timeline reads (10 pages); a longer thread shows its newest. */
export const TIMELINE_MAX = 10_000

/** The graph (assistant) a thread runs: its metadata's assistant, else its graph id. */
export const assistantOf = (t: Thread): string | undefined => {
  const m = (t.metadata ?? {}) as Record<string, unknown>
  return typeof m.assistant_id === 'string' ? m.assistant_id : typeof m.graph_id === 'string' ? m.graph_id : undefined
}

async function pagedHistory(threadId: string, select?: readonly string[]): Promise<HistoryState[]> {
  const all: HistoryState[] = []
  for (;;) {
    const last = all.at(-1)?.checkpoint.checkpoint_id
    const page = await call((c) => c.threads.getHistory(threadId, {
      limit: PAGE,
      ...(select ? { select: [...select] as never } : {}),
      ...(last ? { before: { configurable: { checkpoint_id: last } } } : {}),
    })) as unknown as HistoryState[]
    all.push(...page)
    if (page.length < PAGE || all.length >= TIMELINE_MAX) return all
  }
}

/** The thread on the server in the settings, through the SDK (and two debugger routes, when the server has them). */
export function serverSource(threadId: string): DebugSource {
  return {
    threadId,
    offline: false,
    thread: () => call((c) => c.threads.get(threadId)),
    timeline: () => pagedHistory(threadId, TIMELINE_FIELDS),
    state: async (checkpointId) => {
      const s = await call((c) => c.threads.getState(threadId, checkpointId)) as unknown as HistoryState
      if (s.checkpoint?.checkpoint_id !== checkpointId) throw new ApiError('not-found', `thread ${threadId} has no checkpoint ${checkpointId}`, 404)
      return s
    },
    graph: async (t) => {
      const a = assistantOf(t)
      return a ? call((c) => c.assistants.getGraph(a, { xray: true })) as Promise<unknown> as Promise<GraphJson> : undefined
    },
    // another LangGraph server has no such route: no drift to tell
    versions: () => apiFetch<GraphVersions>(`/api/threads/${encodeURIComponent(threadId)}/graph-versions`).catch(() => undefined),
    runs: () => call((c) => c.runs.list(threadId, { limit: 1000 })),
    events: (runId) => apiFetch<RunEvent[]>(`/api/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}/events?limit=10000`).catch(() => []),
  }
}

/** A thread read from an exported file. */
export function fileSource(bundle: ThreadExport): DebugSource {
  const byId = new Map(bundle.history.map((s) => [s.checkpoint.checkpoint_id ?? '', s]))
  return {
    threadId: bundle.thread.thread_id,
    offline: true,
    thread: async () => bundle.thread,
    timeline: async () => bundle.history,
    state: async (id) => {
      const s = byId.get(id)
      if (!s) throw new ApiError('not-found', `the file has no checkpoint ${id}`, 404)
      return s
    },
    graph: async () => bundle.graph,
    versions: async () => bundle.graph_versions,
    runs: async () => bundle.runs,
    events: async (runId) => bundle.events[runId] ?? [],
  }
}

/** Reads everything of a thread into one export (full states: this can be large for a long thread). */
export async function exportThread(source: DebugSource, apiUrl: string): Promise<ThreadExport> {
  const thread = await source.thread()
  const [graph, versions, runs] = await Promise.all([source.graph(thread).catch(() => undefined), source.versions(), source.runs()])
  const history = source.offline ? await source.timeline() : await pagedHistory(source.threadId)
  const events: Record<string, RunEvent[]> = {}
  for (const r of runs) events[r.run_id] = await source.events(r.run_id)
  return {
    format: 'switchyard.thread-export', version: 1, exported_at: new Date().toISOString(), source: apiUrl,
    thread, ...(graph ? { graph } : {}), ...(versions ? { graph_versions: versions } : {}), history, runs, events,
  }
}

/**
 * An exported file's JSON, checked enough to be shown.
 * @throws Error saying what is wrong with the file
 */
export function parseExport(text: string): ThreadExport {
  let j: unknown
  try {
    j = JSON.parse(text)
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`)
  }
  const b = j as Partial<ThreadExport>
  if (b?.format !== 'switchyard.thread-export') throw new Error('not a Switchyard thread export (no "format": "switchyard.thread-export")')
  if (b.version !== 1) throw new Error(`export version ${String(b.version)} is not supported (this page reads version 1)`)
  if (typeof b.thread?.thread_id !== 'string' || !Array.isArray(b.history) || !Array.isArray(b.runs) || typeof b.events !== 'object') {
    throw new Error('the export lacks its thread, history, runs or events')
  }
  return b as ThreadExport
}
