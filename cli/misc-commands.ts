import type { Command } from 'commander'
import { ingestPaths } from '../rag/ingest.js'
import { FtsRetriever } from '../rag/fts-retriever.js'
import { clearStepCache } from '../store/step-cache-repo.js'
import { graphsOf, withRuntime, type GlobalOpts } from './context.js'
import { UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${v}"`)
  return n
}

export function registerMiscCommands(program: Command, out: Out) {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>()

  program.command('graph <graph>').description('draw a graph')
    .option('--format <format>', 'mermaid or json', 'mermaid')
    .action(async (name: string, o: { format: string }, cmd: Command) => {
      if (o.format !== 'mermaid' && o.format !== 'json') throw new UsageError(`--format must be mermaid or json, got "${o.format}"`)
      const graphs = await graphsOf(globals(cmd))
      graphs.registry.get(name)
      await withRuntime({ ...globals(cmd), db: ':memory:' }, async (rt) => {
        const drawable = await rt.graph(name).getGraphAsync()
        out.write(o.format === 'json' ? `${JSON.stringify(drawable.toJSON(), null, 2)}\n` : `${drawable.drawMermaid()}\n`)
      }, false, graphs)
    })

  program.command('graphs').description('list the graphs that can run')
    .action(async (_o: unknown, cmd: Command) => {
      const { registry, workflows } = await graphsOf(globals(cmd))
      const width = Math.max(8, ...registry.names().map((n) => n.length + 1))
      for (const g of registry.list()) out.write(`${g.name.padEnd(width)} ${workflows.includes(g.name) ? '[yaml] ' : ''}${g.description}\n`)
    })

  const cache = program.command('cache').description("the YAML workflows' step cache")
  cache.command('clear').description('remove cached step outputs (all, or one workflow\'s)')
    .option('--workflow <name>', 'only this workflow\'s entries')
    .option('--json', 'JSON output')
    .action(async (o: { workflow?: string; json?: boolean }, cmd: Command) => {
      const removed = await withRuntime(globals(cmd), (rt) => clearStepCache(rt.store.db, { workflow: o.workflow }))
      out.write(o.json ? `${JSON.stringify({ removed })}\n` : `cleared ${removed} cached step output${removed === 1 ? '' : 's'}\n`)
    })

  const rag = program.command('rag').description('the documents the researcher answers from')
  rag.command('ingest <paths...>').description('ingest markdown and text files or folders')
    .option('--collection <name>', 'collection name', 'default')
    .option('--json', 'JSON output')
    .action(async (paths: string[], o: { collection: string; json?: boolean }, cmd: Command) => {
      const r = await withRuntime(globals(cmd), (rt) => ingestPaths(rt.store.db, paths, { collection: o.collection }))
      out.write(o.json ? `${JSON.stringify(r)}\n`
        : `ingested: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.chunks} chunks${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}\n`)
    })
  rag.command('query <text>').description('search the ingested documents')
    .option('--k <n>', 'number of results', positiveInt('--k'), 5)
    .option('--collection <name>', 'collection name')
    .option('--json', 'JSON output')
    .action(async (text: string, o: { k: number; collection?: string; json?: boolean }, cmd: Command) => {
      const hits = await withRuntime(globals(cmd), (rt) => new FtsRetriever({ db: rt.store.db, k: o.k, collection: o.collection }).search(text, { k: o.k }))
      if (o.json) { out.write(`${JSON.stringify(hits)}\n`); return }
      if (hits.length === 0) out.write('no documents matched\n')
      hits.forEach((h, i) => out.write(`[${i + 1}] ${h.title} (${h.source})  score ${h.score.toFixed(3)}\n    ${h.chunk.slice(0, 160).replaceAll('\n', ' ')}…\n`))
    })
}
