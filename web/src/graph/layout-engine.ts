import ELK from 'elkjs/lib/elk-api.js'
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url'
import type { ElkNode } from 'elkjs/lib/elk-api.js'

let elk: InstanceType<typeof ELK> | undefined
const engine = () => (elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) }))

/** Lays a graph out with ELK in a Web Worker (elkjs's own worker script), so a big graph never blocks the page. */
export function layoutInWorker(graph: ElkNode): Promise<ElkNode> {
  return engine().layout(graph)
}

/** Starts the worker and lets it compile ELK (1.6 MB of script) while the graph's JSON is still loading. */
export function warmLayout(): void {
  engine().layout({ id: 'warm', children: [{ id: 'a', width: 1, height: 1 }], edges: [] }).catch(() => undefined)
}
