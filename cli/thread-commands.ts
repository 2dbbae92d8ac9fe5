import type { Command } from 'commander'
import { withRuntime, type GlobalOpts } from './context.js'
import { parseJsonFlag, UsageError } from './exit-codes.js'
import type { Out } from './render.js'

const short = (id: string) => id.slice(0, 8) === id ? id : id

const control = () => import('../runtime/thread-control.js')

export function registerThreadCommands(program: Command, out: Out) {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>()
  const print = (json: boolean | undefined, data: unknown, text: () => string) =>
    out.write(json ? `${JSON.stringify(data)}\n` : text())

  program.command('history <thread>').description("a thread's checkpoints, newest first")
    .option('--limit <n>', 'at most n checkpoints', (v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive integer, got "${v}"`)
      return n
    })
    .option('--json', 'JSON array, with full state values')
    .action(async (thread: string, o: { json?: boolean; limit?: number }, cmd: Command) => {
      const { threadHistory } = await control()
      const h = await withRuntime(globals(cmd), (rt) => threadHistory(rt, thread, o.limit), true)
      print(o.json, h, () => [
        'step  checkpoint                            source  wrote                 next',
        ...h.map((e) => `${String(e.step).padStart(4)}  ${short(e.checkpoint_id)}  ${e.source.padEnd(6)}  ${(e.writes.join(',') || '-').padEnd(20)}  ${e.next.join(',') || '-'}${e.interrupts.length ? '  (waiting)' : ''}`),
        '',
      ].join('\n'))
    })

  program.command('fork <thread>').description('branch a thread at a checkpoint with edited state')
    .requiredOption('--checkpoint <id>', 'checkpoint to fork from')
    .requiredOption('--update <json>', 'state values to write (JSON object)')
    .option('--as-node <node>', 'write the update as if this node produced it')
    .option('--json', 'JSON output')
    .action(async (thread: string, o: { checkpoint: string; update: string; asNode?: string; json?: boolean }, cmd: Command) => {
      const update = parseJsonFlag('--update', o.update)
      if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new UsageError('--update must be a JSON object')
      const { forkThread } = await control()
      const r = await withRuntime(globals(cmd), (rt) => forkThread(rt, { threadId: thread, checkpointId: o.checkpoint, update: update as Record<string, unknown>, asNode: o.asNode }), true)
      print(o.json, r, () => `forked ${thread} at ${r.parent_checkpoint_id}\nnew checkpoint ${r.checkpoint_id}; next: ${r.next.join(', ') || '(end)'}\ncontinue with: switchyard resume ${thread}\n`)
    })

  program.command('cancel <thread>').description('stop the running run of a thread at once (checkpoints are kept)')
    .option('--json', 'JSON output')
    .action(async (thread: string, o: { json?: boolean }, cmd: Command) => {
      const { cancelThread } = await control()
      const r = await withRuntime(globals(cmd), (rt) => cancelThread(rt, thread), true)
      print(o.json, r, () => (r.cancelled ? `cancel requested for ${r.cancelled} running run(s) of ${thread}\n` : `thread ${thread} has no running run\n`))
    })

  program.command('threads').description('list threads, most recent first')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const rows = await withRuntime(globals(cmd), (rt) => rt.runs.listThreads())
      print(o.json, rows, () => [
        'thread                                graph  status       updated',
        ...rows.map((t) => `${t.thread_id.padEnd(36)}  ${(t.graph ?? '-').padEnd(5)}  ${t.status.padEnd(11)}  ${t.updated_at}`),
        '',
      ].join('\n'))
    })
}
