import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { createChatModel, type ModelChoice } from '../agents/model-provider.js'
import { webhookHostsFrom } from '../agents/webhook-hosts.js'
import type { DocSearch } from '../agents/retriever-tool.js'
import type { LoadedGraphs } from '../graphs/graph-loader.js'
import { GraphRegistry, type AnyGraph } from '../graphs/registry.js'
import { embeddingsFromEnv, type EmbeddingsConfig } from '../rag/embeddings.js'
import { createRetriever } from '../rag/retriever-factory.js'
import { unwatchedCommits, watchCommits, type CommitWatch } from '../store/commit-watch.js'
import { openStore, type OpenedDb } from '../store/db.js'
import { KyselySaver } from '../store/kysely-saver.js'
import { createRunRepo, type RunRepo } from '../store/run-repo.js'
import { RunEventBus } from './event-bus.js'
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
  /** Signals commits by other connections to the database (other processes): runs, crons, events they wrote. */
  commits: CommitWatch
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
}

/** The researcher's documents on a Postgres store: none (RAG is SQLite-only). */
const NO_DOCUMENTS: DocSearch = { search: async () => [] }

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const store = await openStore(opts.dbPath)
  const checkpointer = new KyselySaver(store.db)
  const model = await createChatModel(opts.env ?? process.env)
  const given = opts.registry
  const registry = given === undefined ? new GraphRegistry() : given instanceof GraphRegistry ? given : given.registry
  if (given !== undefined && !(given instanceof GraphRegistry)) given.useStore(store.db)
  // the researcher's retriever: BM25, hybrid (RRF with sqlite-vec vectors) when an embeddings endpoint is configured;
  // RAG is SQLite-only, so on Postgres search_docs finds nothing (store/sqlite-only.ts)
  const embeddings = embeddingsFromEnv(opts.env ?? process.env)
  const docs = store.dialect === 'sqlite' ? createRetriever({ db: store.db, sqlite: store.sqlite, embeddings }) : NO_DOCUMENTS
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
  // Postgres: other processes' writes are not watched here (cross-process wake-ups are the event bus's job there)
  const commits = store.dialect === 'sqlite' ? watchCommits(store.sqlite) : unwatchedCommits()
  const runs = createRunRepo(store.db, { threadTtlMinutes: opts.threadTtlMinutes })
  const leases = createRunLeases(runs, commits, { leaseMs: leaseMsFrom(opts.env ?? process.env) })
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
    commits,
    webhookHosts: webhookHostsFrom(opts.env ?? process.env),
    bus: new RunEventBus(),
    controllers: new Map(),
    finalStates: new RecentStates(),
    wake: () => undefined,
    wakeCrons: () => undefined,
    graph,
    async graphForRun(name, config) {
      const def = registry.get(name)
      return def.buildForRun ? def.buildForRun(deps, config) : graph(name)
    },
    close: () => {
      leases.stop()
      commits.stop()
      return store.close()
    },
  }
}
