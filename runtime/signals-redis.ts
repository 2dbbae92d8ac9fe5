import { Redis, type RedisOptions } from 'ioredis'
import { AppError } from '../store/app-error.js'
import { hubSignals, parseWire, SignalHub, type ClusterSignals } from './signals.js'

/** How long the start-up check waits for Redis to answer before it gives up (ms). */
const CONNECT_TIMEOUT_MS = 5_000

/** The URL with its password masked, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(not a URL)'
  }
}

/** The channel prefix (`SWITCHYARD_REDIS_PREFIX`, default `switchyard:`): deployments (or test files) sharing one Redis keep apart. */
export function redisPrefixFrom(env: NodeJS.ProcessEnv): string {
  const p = env.SWITCHYARD_REDIS_PREFIX
  return p === undefined || p === '' ? 'switchyard:' : p
}

const connectWhy = (e: unknown) => {
  const err = e as NodeJS.ErrnoException
  return err.code === 'ECONNREFUSED' ? 'connection refused'
    : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'unknown host'
      : /NOAUTH|WRONGPASS|invalid password/i.test(err.message ?? '') ? 'authentication failed'
        : err.message || String(e)
}

/**
 * Connects one client and waits until it answers PING; any failure (refused, unknown host, wrong
 * password, no answer within 5 s) is one UPSTREAM error naming the server, and the client is gone.
 * Once connected it reconnects by itself (every ≤ 1 s) after Redis goes away.
 */
async function connectClient(url: string, label: string, opts: RedisOptions): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // commands fail at once while disconnected (a publish is a hint: the log has the event)
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // no retry while starting: the first failure is the answer
    retryStrategy: () => null,
    ...opts,
  })
  let last: unknown
  const onError = (e: unknown) => { last = e }
  client.on('error', onError)
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS) }),
    ])
  } catch (e) {
    client.disconnect()
    throw new AppError('UPSTREAM', `cannot connect to Redis at ${label}: ${connectWhy(last ?? e)}`, { cause: e })
  } finally {
    clearTimeout(timer)
  }
  // connected: from now on a lost connection is retried for as long as it takes
  client.options.retryStrategy = (times) => Math.min(50 * times, 1_000)
  return client
}

/**
 * Cross-process signals over Redis pub/sub (`REDIS_URL`): one connection publishes, one subscribes.
 * Topics go on `<prefix>signal`; a run's events (whole, as appended to the log) on `<prefix>run:<id>`,
 * subscribed while this process has a reader of that run. Redis going away loses nothing (the log is in
 * the store): publishes fail silently, listeners are polled until both connections are back, then
 * called once to catch up. `connect()` throws one UPSTREAM line when Redis does not answer at start.
 */
export async function openRedisSignals(url: string, opts: { prefix?: string; pollMs?: number } = {}): Promise<ClusterSignals> {
  const label = redactRedisUrl(url)
  const prefix = opts.prefix ?? 'switchyard:'
  const topicChannel = `${prefix}signal`
  const runChannel = (id: string) => `${prefix}run:${id}`
  const pub = await connectClient(url, label, { connectionName: 'switchyard-pub' })
  let sub: Redis
  try {
    sub = await connectClient(url, label, { connectionName: 'switchyard-sub', autoResubscribe: true })
  } catch (e) {
    pub.disconnect()
    throw e
  }
  const hub = new SignalHub(opts.pollMs)
  const state = () => pub.status === 'ready' && sub.status === 'ready'
  const update = () => hub.setLive(state())
  for (const c of [pub, sub]) {
    c.removeAllListeners('error')
    c.on('error', () => undefined)
    c.on('close', update)
    c.on('end', update)
    c.on('ready', update)
  }
  sub.on('message', (channel: string, text: string) => {
    if (channel === topicChannel || channel.startsWith(prefix)) hub.receive(parseWire(text))
  })
  // the subscriber re-subscribes by itself after a reconnect (autoResubscribe); its 'ready' comes first,
  // so the catch-up poll may run before the re-subscription: an event in between is read from the log
  hub.onRunWatch = (runId, watching) => {
    const p = watching ? sub.subscribe(runChannel(runId)) : sub.unsubscribe(runChannel(runId))
    p.catch(() => undefined)
  }
  await sub.subscribe(topicChannel)
  // a run subscribed while Redis was down was refused (no offline queue): subscribe every watched run again
  sub.on('ready', () => {
    const ids = hub.watchedRuns()
    if (ids.length > 0) sub.subscribe(...ids.map(runChannel)).catch(() => undefined)
  })
  let closed = false
  return hubSignals('redis', hub, {
    send(m, runId) {
      if (closed || pub.status !== 'ready') return
      pub.publish(runId === undefined ? topicChannel : runChannel(runId), JSON.stringify(m)).catch(() => undefined)
    },
    health: () => ({ redis: state() ? 'up' : 'down' }),
    async close() {
      closed = true
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())])
    },
  })
}
