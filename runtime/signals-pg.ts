import { createHash } from 'node:crypto'
import type pg from 'pg'
import type { OpenedPostgres } from '../store/db.js'
import { hubSignals, parseWire, SignalHub, type ClusterSignals, type WireMessage } from './signals.js'

/** Reconnect delays of the LISTEN connection after it dropped (ms): quick first, then every 2 s. */
const BACKOFF_MS = [100, 250, 500, 1_000, 2_000]

/**
 * The NOTIFY channel of one store: NOTIFY reaches every session of the database, and several stores
 * (schemas) may share a database, so the channel names the schema (hashed, channel names stop at 63 bytes).
 */
export function notifyChannel(schema: string): string {
  return `switchyard_${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`
}

/**
 * Cross-process signals over Postgres LISTEN/NOTIFY: a Redis-free deployment of API and worker
 * processes on one database. One dedicated connection (outside the pool) listens; sends go through
 * the pool, coalesced per tick into one `pg_notify` statement. A run's events are announced by seq
 * only (NOTIFY payloads stop at 8000 bytes; readers read the log, where the events already are).
 * When the listening connection drops, listeners are polled until it is back.
 */
export async function openPgSignals(store: OpenedPostgres, opts: { pollMs?: number } = {}): Promise<ClusterSignals> {
  const hub = new SignalHub(opts.pollMs)
  const { rows: [cur] } = await store.pool.query<{ schema: string }>('select current_schema() as schema')
  const channel = notifyChannel(cur?.schema ?? 'public')
  let client: pg.Client | undefined
  let closed = false
  let attempt = 0
  let retry: NodeJS.Timeout | undefined

  const listen = async () => {
    if (closed) return
    try {
      const c = await store.connect()
      c.on('notification', (n) => { if (n.channel === channel && n.payload) hub.receive(parseWire(n.payload)) })
      c.on('error', () => dropped(c))
      c.on('end', () => dropped(c))
      await c.query(`listen ${channel}`)
      if (closed) { await c.end().catch(() => undefined); return }
      client = c
      attempt = 0
      hub.setLive(true)
    } catch {
      hub.setLive(false)
      again()
    }
  }
  const again = () => {
    if (closed || retry) return
    const ms = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]
    retry = setTimeout(() => { retry = undefined; void listen() }, ms)
    retry.unref()
  }
  function dropped(c: pg.Client) {
    if (client !== c) return
    client = undefined
    c.end().catch(() => undefined)
    hub.setLive(false)
    again()
  }

  // coalesced per tick: per run only its last seq (and its end), each topic once
  let pending: WireMessage[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    const batch = pending
    pending = []
    const seen = new Set<string>()
    const out: string[] = []
    // newest first, so a run's last seq (and a topic) is kept once; sent in the original order
    for (let i = batch.length - 1; i >= 0; i--) {
      const m = batch[i]!
      const key = 't' in m ? `t:${m.t}` : 'end' in m ? `end:${m.r}` : `s:${m.r}`
      if (seen.has(key)) continue
      seen.add(key)
      out.unshift(JSON.stringify('e' in m ? { o: m.o, r: m.r, s: m.e.seq } : m))
    }
    if (out.length === 0 || closed) return
    store.pool.query('select pg_notify($1, m) from unnest($2::text[]) with ordinality as u(m, i) order by i', [channel, out]).catch(() => undefined)
  }

  await listen()
  return hubSignals('postgres', hub, {
    send(m) {
      pending.push(m)
      if (!scheduled) { scheduled = true; setImmediate(flush) }
    },
    health: () => ({ postgres_notify: hub.live() ? 'up' : 'down' }),
    async close() {
      closed = true
      if (retry) clearTimeout(retry)
      if (scheduled) flush()
      const c = client
      client = undefined
      await c?.end().catch(() => undefined)
    },
  })
}
