import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import pg from 'pg'
import { spawnServe, spawnWorker, stopChild, tempDb } from './cli-harness.js'

/**
 * A workflow whose middle steps wait for gate files the test creates: the test decides when a run moves
 * on (no sleeps). Each wait is bounded (2 min), so a cancelled run's shell child ends by itself.
 */
const gateStep = (id: string, needs: string, gate: string) => `  - id: ${id}
    type: shell
    needs: ${needs}
    with: { shell: true, run: "for i in $(seq 1 2400); do [ -e {{ inputs.dir }}/{{ inputs.tag }}.${gate} ] && break; sleep 0.05; done; echo ${id} {{ inputs.tag }}" }
`
export const GATED = `name: gated
inputs:
  dir: { type: string, required: true }
  tag: { type: string, required: true }
steps:
  - id: one
    type: shell
    with: { shell: true, run: "echo one {{ inputs.tag }}" }
${gateStep('two', 'one', 'g1')}${gateStep('three', 'two', 'g2')}  - id: four
    type: shell
    needs: three
    with: { shell: true, run: "echo four {{ inputs.tag }}" }
`

export interface SseEvent { id: number; event: string; data: string }

/**
 * Reads a run's SSE stream from an API process (GET …/runs/:id/stream, `Last-Event-ID` as given) until it
 * ends, or until `stop` says so after an event (the connection is then dropped, as a client that goes away).
 */
export async function readStream(apiUrl: string, threadId: string, runId: string, lastEventId: string, stop?: (e: SseEvent) => boolean): Promise<{ events: SseEvent[]; ended: boolean }> {
  const ac = new AbortController()
  const res = await fetch(`${apiUrl}/threads/${threadId}/runs/${runId}/stream`, { headers: { 'last-event-id': lastEventId, accept: 'text/event-stream' }, signal: ac.signal })
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
  const events: SseEvent[] = []
  const decoder = new TextDecoder()
  let buf = ''
  let stopped = false
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true })
      let cut: number
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut)
        buf = buf.slice(cut + 2)
        const f: Record<string, string> = {}
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const i = line.indexOf(':')
          if (i > 0) f[line.slice(0, i)] = (f[line.slice(0, i)] ?? '') + line.slice(i + 1).replace(/^ /, '')
        }
        if (f.id === undefined) continue
        const e = { id: Number(f.id), event: f.event ?? 'message', data: f.data ?? '' }
        events.push(e)
        if (stop?.(e)) { stopped = true; ac.abort(); break }
      }
      if (stopped) break
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e
  }
  return { events, ended: !stopped }
}

export const until = async (what: string, ok: () => Promise<boolean> | boolean, ms = 90_000) => {
  for (const end = Date.now() + ms; !(await ok());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** API processes (`serve --workers 0`) and `switchyard worker` processes on one database, with a workflow folder. */
export async function startCluster(opts: { databaseUrl: string; env: Record<string, string>; apis: number; workers: number; workerEnv?: Record<string, string>; workerArgs?: string[] }) {
  const t = tempDb()
  const wf = join(t.dir, 'workflows')
  mkdirSync(wf)
  writeFileSync(join(wf, 'gated.yaml'), GATED)
  const args = ['--database-url', opts.databaseUrl, '--workflows', wf]
  // the first process migrates; the others start once it has (they would wait on the migration lock anyway)
  const apis = [spawnServe(args, opts.env, ['--workers', '0'])]
  const first = await apis[0]!.url
  for (let i = 1; i < opts.apis; i++) apis.push(spawnServe(args, opts.env, ['--workers', '0']))
  const workers = Array.from({ length: opts.workers }, () => spawnWorker(args, { ...opts.env, ...opts.workerEnv }, ['--concurrency', '4', ...(opts.workerArgs ?? [])]))
  const urls = [first, ...(await Promise.all(apis.slice(1).map((a) => a.url)))]
  const workerIds = await Promise.all(workers.map((w) => w.ready))
  const db = new pg.Client({ connectionString: opts.databaseUrl.replace(/\?schema=(\w+)$/, ''), options: `-c search_path=${/\?schema=(\w+)$/.exec(opts.databaseUrl)?.[1] ?? 'public'}` })
  await db.connect()
  const tags = new Set<string>()
  const gate = (tag: string, g: 'g1' | 'g2') => writeFileSync(join(t.dir, `${tag}.${g}`), '')
  return {
    dir: t.dir,
    urls,
    workerIds,
    workers,
    clients: urls.map((apiUrl) => new Client({ apiUrl, apiKey: null })),
    db,
    gate,
    input: (tag: string) => { tags.add(tag); return { dir: t.dir, tag } },
    /** The run's log as stored: seq and event name, in order. */
    async log(runId: string): Promise<{ seq: number; event: string; data: string }[]> {
      return (await db.query<{ seq: number; event: string; data: string }>('select seq::int as seq, event, data from run_events where run_id = $1 order by seq', [runId])).rows
    },
    async run(runId: string): Promise<{ status: string; worker_id: string | null; attempt: number }> {
      return (await db.query('select status, worker_id, attempt::int as attempt from runs where run_id = $1', [runId])).rows[0]
    },
    async stop() {
      // open every gate, so no (bounded) shell loop is left waiting
      if (existsSync(t.dir)) for (const tag of tags) { gate(tag, 'g1'); gate(tag, 'g2') }
      await Promise.all([...apis.map((a) => stopChild(a.child)), ...workers.map((w) => stopChild(w.child))])
      await db.end().catch(() => undefined)
      t.cleanup()
    },
  }
}
export type Cluster = Awaited<ReturnType<typeof startCluster>>

/** Expects a stream read in pieces to be the stored log exactly: every seq once, in order, the same events. */
export function expectExact(pieces: SseEvent[][], log: { seq: number; event: string; data: string }[]) {
  const got = pieces.flat()
  const ids = got.map((e) => e.id)
  return {
    ids,
    wanted: log.map((e) => e.seq),
    same: got.every((e, i) => log[i] !== undefined && e.event === log[i]!.event && e.data === log[i]!.data),
  }
}
