import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { createChatModel, type ModelChoice } from '../agents/model-provider.js'
import { webhookHostsFrom } from '../agents/webhook-hosts.js'
import type { LoadedGraphs } from '../graphs/graph-loader.js'
import { GraphRegistry, type AnyGraph } from '../graphs/registry.js'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../rag/embeddings.js'
import { createRetriever } from '../rag/retriever-factory.js'
import { watchCommits, type CommitWatch } from '../store/commit-watch.js'
import { openStore, type OpenedDb } from '../store/db.js'
import { KyselySaver } from '../store/kysely-saver.js'
import { createRunRepo, type RunRepo } from '../store/run-repo.js'
import { RunEventBus } from './event-bus.js'
import { sqliteSignals, type ClusterSignals, type DependencyState } from './signals.js'
import { openPgSignals } from './signals-pg.js'
import { openRedisSignals, redisPrefixFrom } from './signals-redis.js'
import { createRunLeases, leaseMsFrom, type RunLeases } from './run-leases.js'
import { RecentStates } from './recent-states.js'

/** Everything a run needs, opened once per process: the store, the checkpointer, the model, the graphs. */
export interface Runtime {
  store: OpenedDb
  runs: RunRepo
  checkpointer: BaseCheckpointSaver
  model: ModelChoice
  registry: GraphRegistry
  /** The embeddings endpoint (SWITCHYARD_EMBEDDINGS_MODEL…), when one is configured: retrieval is hybrid then. */
  embeddings: EmbeddingsConfig | undefined
  /**
   * What other processes signal (runs queued or freed, crons changed, cancels, run events): Redis pub/sub
   * with `REDIS_URL`, else Postgres LISTEN/NOTIFY on Postgres, else SQLite's data_version watch.
   */
  signals: ClusterSignals
  /** Any signal from another process, as one "something was committed elsewhere" (kept for older callers; prefer `signals.on`). */
  commits: CommitWatch
  /** Each dependency's state for `/ok`: the database (a round trip), and the signal transport's (`redis`, `postgres_notify`). */
  health(): Promise<Record<string, DependencyState>>
  /** Hosts run webhooks may call (`SWITCHYARD_WEBHOOK_HOSTS`); undefined: any. */
  webhookHosts: string[] | undefined
  /** Live tail of run event logs in this process. */
  bus: RunEventBus
  /** This process's worker id and the leases of the runs it executes (heartbeat, cancel flags). */
  leases: RunLeases
  /** Abort handles of the runs executing in this process, by run id. */
  controllers: Map<string, AbortController>
  /** The thread state each run ended with, kept briefly for the `runs/wait` answering it. */
  finalStates: RecentStates
  /** Wakes the run queue (set by whoever runs one in this process): `dueAt` (ISO) for a delayed run, `runId` of a run just queued. */
  wake: (dueAt?: string, runId?: string) => void
  /** See RuntimeOptions. */
  threadTtlMinutes?: number
  /** See RuntimeOptions. */
  storeIndexFields?: string[]
  /** Tells the cron scheduler (set by whoever runs one in this process) that a cron was created, changed or deleted. */
  wakeCrons: () => void
  /** The compiled graph for a name, built once with this runtime's checkpointer. */
  graph(name: string): AnyGraph
  /** The graph one run executes: `graph(name)`, or, for a factory export, the factory's graph for this run's config. */
  graphForRun(name: string, config: { configurable: Record<string, unknown> }): Promise<AnyGraph>
  close(): Promise<void>
}

export interface RuntimeOptions {
  dbPath: string
  env?: NodeJS.ProcessEnv
  /** The graphs to run: a registry, or loaded graphs (YAML workflows get this runtime's store); default the built-ins. */
  registry?: GraphRegistry | LoadedGraphs
  /** The TTL new threads get when their creator gives none (langgraph.json `checkpointer.ttl.default_ttl`, minutes). */
  threadTtlMinutes?: number
  /** The fields store items are embedded at when a put gives no `index` (langgraph.json `store.index.fields`); default `$`. */
  storeIndexFields?: string[]
  /** Redis for the live tail, wake-ups and cancels across processes; default `env.REDIS_URL`; '' or unset: none. */
  redisUrl?: string
}

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const env = opts.env ?? process.env
  const redisUrl = opts.redisUrl ?? env.REDIS_URL
  // Redis is checked first: a REDIS_URL that does not answer stops the process before the store is migrated
  const redis = redisUrl ? await openRedisSignals(redisUrl, { prefix: redisPrefixFrom(env) }) : undefined
  let store: OpenedDb
  try {
    store = await openStore(opts.dbPath)
  } catch (e) {
    await redis?.close()
    throw e
  }
  const checkpointer = new KyselySaver(store.db)
  const model = await createChatModel(opts.env ?? process.env)
  const given = opts.registry
  const registry = given === undefined ? new GraphRegistry() : given instanceof GraphRegistry ? given : given.registry
  if (given !== undefined && !(given instanceof GraphRegistry)) given.useStore(store.db)
  // the researcher's retriever: BM25 (Postgres: its full-text search), hybrid (RRF with the vectors) when an
  // embeddings endpoint is configured
  const embeddings = embeddingsFromEnv(opts.env ?? process.env)
  const docs = createRetriever({ db: store.db, sqlite: store.sqlite, embeddings })
  const compiled = new Map<string, AnyGraph>()
  const deps = { checkpointer, model: model.model, modelLabel: model.label, docs }
  const graph = (name: string): AnyGraph => {
    let g = compiled.get(name)
    if (!g) {
      g = registry.get(name).build(deps)
      compiled.set(name, g)
    }
    return g
  }
  // Postgres without Redis: NOTIFY; SQLite without Redis: another connection's commit is the signal
  let signals: ClusterSignals
  try {
    signals = redis ?? (store.dialect === 'postgres' ? await openPgSignals(store) : sqliteSignals(watchCommits(store.sqlite)))
  } catch (e) {
    await store.close()
    throw e
  }
  const commits: CommitWatch = { onExternalCommit: (fn) => signals.on('*', fn), stop: () => undefined }
  const runs = createRunRepo(store.db, { threadTtlMinutes: opts.threadTtlMinutes })
  const leases = createRunLeases(runs, { onExternalCommit: (fn) => signals.on('cancels', fn), stop: () => undefined }, { leaseMs: leaseMsFrom(env) })
  const opened = store
  return {
    store,
    runs,
    leases,
    threadTtlMinutes: opts.threadTtlMinutes,
    storeIndexFields: opts.storeIndexFields,
    checkpointer,
    model,
    registry,
    embeddings,
    signals,
    commits,
    async health() {
      const database: DependencyState = await databaseAnswers(opened) ? 'up' : 'down'
      return { database, ...signals.health() }
    },
    webhookHosts: webhookHostsFrom(opts.env ?? process.env),
    bus: new RunEventBus(signals),
    controllers: new Map(),
    finalStates: new RecentStates(),
    wake: () => undefined,
    wakeCrons: () => signals.send('crons'),
    graph,
    async graphForRun(name, config) {
      const def = registry.get(name)
      return def.buildForRun ? def.buildForRun(deps, config) : graph(name)
    },
    close: async () => {
      leases.stop()
      await signals.close()
      return opened.close()
    },
  }
}

/** One round trip to the database within 2 s (SQLite: a read of the open file). */
async function databaseAnswers(store: OpenedDb): Promise<boolean> {
  if (store.dialect === 'sqlite') return store.sqlite.open
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      store.pool.query('select 1').then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), 2_000) }),
    ])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}
