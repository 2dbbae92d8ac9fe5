import type { Command } from 'commander'
import { graphsOf, withRuntime, type GlobalOpts } from './context.js'
import { UsageError } from './exit-codes.js'
import type { Out } from './render.js'

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
      const { clearStepCache } = await import('../store/step-cache-repo.js')
      const removed = await withRuntime(globals(cmd), (rt) => clearStepCache(rt.store.db, { workflow: o.workflow }))
      out.write(o.json ? `${JSON.stringify({ removed })}\n` : `cleared ${removed} cached step output${removed === 1 ? '' : 's'}\n`)
    })
}
