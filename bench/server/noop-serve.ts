/**
 * A server that does no work (bench:server's floor): answers `threads.create` and `runs.wait` at once
 * with what the benchmark checks (a thread; `{count: N}` for a graph of N nodes), so measuring it
 * shows what the SDK client and loopback HTTP cost by themselves on this machine.
 *
 *   node bench/server/noop-serve.ts   # prints {"url": ...} when ready
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

const NODES: Record<string, number> = { one_node: 1, five_nodes: 5 }

const srv = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    let body: unknown = {}
    if (req.url === '/threads') {
      const at = new Date().toISOString()
      body = { thread_id: randomUUID(), created_at: at, updated_at: at, metadata: {}, status: 'idle', values: null }
    } else if (req.url?.endsWith('/runs/wait')) {
      const run = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { assistant_id?: string }
      body = { count: NODES[run.assistant_id ?? ''] ?? 0 }
    }
    const text = JSON.stringify(body)
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  })
})
srv.listen(0, '127.0.0.1', () => {
  const a = srv.address() as { port: number }
  console.log(JSON.stringify({ url: `http://127.0.0.1:${a.port}` }))
})
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => srv.close(() => process.exit(0)))
