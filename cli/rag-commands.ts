import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { RetrievalMode } from '../rag/hybrid-retriever.js'
import type { FusionWeights } from '../rag/rrf.js'
import type { SearchFilter } from '../rag/search-filter.js'
import { DEFAULT_COLLECTION } from '../rag/default-collection.js'
import type { IngestOptions } from '../rag/ingest.js'
import { isAppError } from '../store/app-error.js'
import { withTenant } from '../store/tenant-scope.js'
import type { Runtime } from '../runtime/runtime.js'
import { withRuntime, type GlobalOpts } from './context.js'
import { parseJsonFlag, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const integer = (flag: string, min: number) => (v: string) => {
  const n = Number(v)
  if (!/^-?\d+$/.test(v.trim()) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${v}"`)
  return n
}
const MODES = ['bm25', 'vector', 'hybrid'] as const
const modeOf = (v: string): RetrievalMode => {
  if (!(MODES as readonly string[]).includes(v)) throw new UsageError(`--mode must be bm25, vector or hybrid, got "${v}"`)
  return v as RetrievalMode
}
const weightsOf = (v: string): Partial<FusionWeights> => {
  const out: Partial<FusionWeights> = {}
  for (const part of v.split(',')) {
    const m = /^\s*(bm25|vector)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    if (!m) throw new UsageError(`--weights must look like bm25=1,vector=2, got "${v}"`)
    out[m[1] as keyof FusionWeights] = Number(m[2])
  }
  return out
}
// checked when the query runs (the schema's module is loaded only then); bad JSON is refused while parsing flags
const filterOf = async (v: string): Promise<SearchFilter> => {
  const { SearchFilterSchema } = await import('../rag/search-filter.js')
  const r = SearchFilterSchema.safeParse(parseJsonFlag('--filter', v))
  if (!r.success) throw new UsageError(`--filter: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  return r.data
}
const fieldList = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)
const tenantOf = (v: string) => {
  if (!/^[^=,\s]+$/.test(v)) throw new UsageError(`--tenant must be a tenant name as in SWITCHYARD_API_KEYS (no spaces, "=" or ","), got "${v}"`)
  return v
}
const TENANT_HELP = 'the tenant whose collections to use, as named in SWITCHYARD_API_KEYS (default: the collections made without API keys)'

interface IngestFlags {
  collection: string; chunkSize?: number; chunkOverlap?: number; json?: boolean
  textField?: string[]; titleField?: string[]; idField?: string[]
}

/** A bar on stderr, only when it is a terminal: pipes, CI logs and tests see nothing. */
async function progressBar(): Promise<{ onProgress: IngestOptions['onProgress']; stop(): void }> {
  if (!process.stderr.isTTY) return { onProgress: undefined, stop: () => undefined }
  const { default: cliProgress } = await import('cli-progress')
  const bar = new cliProgress.SingleBar({
    stream: process.stderr, clearOnComplete: true, hideCursor: true, format: 'ingesting [{bar}] {value}/{total} files · {file}',
  }, cliProgress.Presets.shades_classic)
  let started = false
  return {
    onProgress: ({ done, total, path }) => {
      if (!started) { bar.start(total, 0, { file: '' }); started = true }
      bar.update(done, { file: path.length > 50 ? `…${path.slice(-49)}` : path })
    },
    stop: () => { if (started) bar.stop() },
  }
}

/** `switchyard rag ingest|query|list|delete`: the documents the researcher answers from. Returns the `rag` command, for more subcommands. */
export function registerRagCommands(program: Command, out: Out): Command {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>()
  // a tenant's collections are the ones its API key sees over HTTP and its runs' search_docs searches
  const inTenant = <T>(cmd: Command, fn: (rt: Runtime) => Promise<T>, mustExist = false) => {
    const { tenant } = cmd.opts<{ tenant?: string }>()
    return withRuntime(globals(cmd), (rt) => (tenant === undefined ? fn(rt) : withTenant(tenant, () => fn(rt))), mustExist)
  }
  const rag = program.command('rag').description('the documents the researcher answers from')

  rag.command('ingest <paths...>').description('ingest md, txt, html, pdf, json and jsonl files, folders or globs ("docs/**/*.md")')
    .option('--collection <name>', 'collection name', DEFAULT_COLLECTION)
    .option('--chunk-size <n>', 'maximum characters per chunk (default 800)', integer('--chunk-size', 1))
    .option('--chunk-overlap <n>', 'characters shared by neighbouring chunks (default 100)', integer('--chunk-overlap', 0))
    .option('--text-field <names>', 'JSON fields holding the text, first found wins (default text,content,body)', fieldList)
    .option('--title-field <names>', 'JSON fields holding the title (default title,name)', fieldList)
    .option('--id-field <names>', 'JSON fields holding the id (default id,_id)', fieldList)
    .option('--tenant <name>', TENANT_HELP, tenantOf)
    .option('--json', 'JSON output')
    .action(async (paths: string[], o: IngestFlags, cmd: Command) => {
      const [{ ingestPaths }, { syncVectors }] = await Promise.all([import('../rag/ingest.js'), import('../rag/vector-sync.js')])
      const bar = await progressBar()
      const jsonFields = { ...(o.textField && { text: o.textField }), ...(o.titleField && { title: o.titleField }), ...(o.idField && { id: o.idField }) }
      const { r, vectors } = await inTenant(cmd, async (rt) => {
        const r = await ingestPaths(rt.store.db, paths, {
          collection: o.collection, chunkSize: o.chunkSize, chunkOverlap: o.chunkOverlap, jsonFields, onProgress: bar.onProgress,
        })
        // with an embeddings endpoint: embed the chunks that have no vector yet, drop those of removed chunks
        const synced = rt.embeddings ? await syncVectors(rt.store.db, rt.store.sqlite, rt.embeddings, { collection: o.collection }) : undefined
        return { r, vectors: synced && { embedded: synced.embedded, removed: synced.removed, model: rt.embeddings?.model } }
      }).finally(() => bar.stop())
      const { chunkIds: _ids, ...report } = r
      if (o.json) { out.write(`${JSON.stringify({ ...report, ...(vectors ? { vectors } : {}) })}\n`); return }
      out.write(`ingested: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged${r.removed ? `, ${r.removed} removed` : ''}, ${r.chunks} chunks${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}\n`)
      if (vectors) out.write(`vectors (${vectors.model}): ${vectors.embedded} embedded, ${vectors.removed} removed\n`)
      for (const s of r.skipped) if (s.reason !== 'hidden') out.write(`  skipped ${s.path}${s.line !== undefined ? `:${s.line}` : ''}: ${s.reason}\n`)
    })

  rag.command('query <text>').description('search the ingested documents')
    .option('--k <n>', 'number of results', integer('--k', 1), 5)
    .option('--collection <name>', 'collection name')
    .option('--mode <mode>', 'bm25, vector or hybrid (default: hybrid with an embeddings endpoint, else bm25)', modeOf)
    .option('--weights <w>', 'fusion weights, e.g. bm25=1,vector=2 (default 1 each)', weightsOf)
    .option('--filter <json>', 'source and metadata conditions, e.g. \'{"metadata":{"file_type":"pdf"}}\'', (v) => (parseJsonFlag('--filter', v), v))
    .option('--tenant <name>', TENANT_HELP, tenantOf)
    .option('--json', 'JSON output')
    .action(async (text: string, o: { k: number; collection?: string; mode?: RetrievalMode; weights?: Partial<FusionWeights>; filter?: string; json?: boolean }, cmd: Command) => {
      const filter = o.filter === undefined ? undefined : await filterOf(o.filter)
      const { createRetriever } = await import('../rag/retriever-factory.js')
      const hits = await inTenant(cmd, (rt) =>
        createRetriever({ db: rt.store.db, sqlite: rt.store.sqlite, embeddings: rt.embeddings, mode: o.mode, weights: o.weights, k: o.k, collection: o.collection })
          .search(text, { k: o.k, filter }))
      if (o.json) { out.write(`${JSON.stringify(hits)}\n`); return }
      if (hits.length === 0) out.write('no documents matched\n')
      hits.forEach((h, i) => out.write(`[${i + 1}] ${h.title} (${h.source})  score ${h.score.toFixed(3)}\n    ${h.chunk.slice(0, 160).replaceAll('\n', ' ')}…\n`))
    })

  rag.command('list').description('collections with their document and chunk counts, or the documents of one collection')
    .option('--collection <name>', 'list this collection\'s documents')
    .option('--tenant <name>', TENANT_HELP, tenantOf)
    .option('--json', 'JSON output')
    .action(async (o: { collection?: string; json?: boolean }, cmd: Command) => {
      const { listCollections, listDocuments } = await import('../rag/collections.js')
      if (o.collection === undefined) {
        const cols = await inTenant(cmd, (rt) => listCollections(rt.store.db))
        if (o.json) { out.write(`${JSON.stringify(cols)}\n`); return }
        if (cols.length === 0) out.write('no collections (add documents with: switchyard rag ingest PATH)\n')
        const width = Math.max(10, ...cols.map((c) => c.name.length + 1))
        for (const c of cols) out.write(`${c.name.padEnd(width)} ${c.documents} documents, ${c.chunks} chunks\n`)
        return
      }
      const name = o.collection
      const docs = await inTenant(cmd, (rt) => listDocuments(rt.store.db, name))
      if (o.json) { out.write(`${JSON.stringify(docs)}\n`); return }
      for (const d of docs) out.write(`${String(d.id).padStart(5)}  ${d.title}  (${d.source}; ${d.chunks} chunks, updated ${d.updatedAt})\n`)
    })

  rag.command('delete').description('delete a collection, or one document of it (--source or --id)')
    .requiredOption('--collection <name>', 'the collection')
    .option('--source <path>', 'only the document from this file or source (a JSON/JSONL file: all its records)')
    .option('--id <n>', 'only the document with this id', integer('--id', 1))
    .option('--tenant <name>', TENANT_HELP, tenantOf)
    .option('--json', 'JSON output')
    .action(async (o: { collection: string; source?: string; id?: number; json?: boolean }, cmd: Command) => {
      if (o.source !== undefined && o.id !== undefined) throw new UsageError('give --source or --id, not both')
      const { source, id } = o
      const { deleteCollection, deleteDocument } = await import('../rag/collections.js')
      const deleted = await inTenant(cmd, async (rt) => {
        const db = rt.store.db
        if (id !== undefined) return deleteDocument(db, o.collection, { id })
        if (source === undefined) return deleteCollection(db, o.collection)
        // files are stored by absolute path; a caller-chosen source (HTTP) is taken as written first
        return deleteDocument(db, o.collection, { source }).catch((e: unknown) => {
          if (isAppError(e) && e.code === 'NOT_FOUND' && e.details?.source !== undefined && resolve(source) !== source) {
            return deleteDocument(db, o.collection, { source: resolve(source) })
          }
          throw e
        })
      }, true)
      if (o.json) { out.write(`${JSON.stringify(deleted)}\n`); return }
      out.write(`deleted ${deleted.documents} document${deleted.documents === 1 ? '' : 's'} and ${deleted.chunks} chunk${deleted.chunks === 1 ? '' : 's'}\n`)
    })
  return rag
}
