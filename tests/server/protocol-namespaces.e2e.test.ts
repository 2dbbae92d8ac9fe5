import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraphRegistry } from '../../graphs/registry.js'
import { nestedGraph } from './nested-graph.js'
import { bootProtocolServer, isRootEnd, RawProtocolClient, type ProtocolServer } from './protocol-harness.js'

type Ev = { method: string; params: { namespace: string[]; data: Record<string, unknown> } }

/** Everything a subscription yields until the SDK pauses it at the run's end. */
async function drain(sub: AsyncIterable<unknown>): Promise<Ev[]> {
  const out: Ev[] = []
  for await (const e of sub) out.push(e as Ev)
  return out
}

describe('protocol v2 state.get for subgraph namespaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-ns-'))
  let h: ProtocolServer
  beforeAll(async () => {
    const registry = new GraphRegistry()
    registry.register(nestedGraph)
    h = await bootProtocolServer(join(dir, 'sy.db'), {}, { registry })
  })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('reads a declared subgraph (values, next, interrupts) and an undeclared one by the namespaces events name', async () => {
    const thread = h.client.threads.stream({ assistantId: 'nested', transport: 'websocket' })
    try {
      const sub = await thread.subscribe(['lifecycle', 'input'])
      await thread.run.start({ input: { topic: 'bm25' } })
      const events = await drain(sub)
      const started = events.filter((e) => e.method === 'lifecycle' && e.params.data.event === 'started').map((e) => e.params.namespace)
      const child = started.find((ns) => ns[0]?.startsWith('child:'))!
      const helper = started.find((ns) => ns[0]?.startsWith('helper:'))!
      expect(child).toHaveLength(1)
      const asked = events.find((e) => e.method === 'input.requested')!
      expect(asked.params.namespace).toEqual(child)

      const inChild = await thread.state.get({ namespace: child })
      expect(inChild).toMatchObject({
        values: { topic: 'bm25', notes: ['BM25'], draft: 'outline of bm25' },
        checkpoint: { ns: child[0] },
        next: ['review'],
        interrupts: [{ id: asked.params.data.interrupt_id, value: { question: 'keep the outline?' } }],
      })
      // the root graph's state has no `draft`, and waits in its `child` node
      const root = await thread.state.get({ namespace: [] }) as unknown as { values: Record<string, unknown>; next: string[] }
      expect(root.values).not.toHaveProperty('draft')
      expect(root.next).toEqual(['child'])
      expect(await thread.state.get({ namespace: child, keys: ['draft'] })).toMatchObject({ values: { draft: 'outline of bm25' } })
      // a subgraph that a node invokes itself: its own channels, read from its checkpoint
      const inHelper = await thread.state.get({ namespace: helper }) as unknown as Record<string, unknown>
      expect(inHelper).toMatchObject({ values: { topic: 'bm25', shout: 'BM25' }, checkpoint: { ns: helper[0] }, interrupts: [] })
      expect(inHelper).not.toHaveProperty('next')

      const resumed = await thread.subscribe(['lifecycle'])
      await thread.input.respond({ namespace: child, interrupt_id: String(asked.params.data.interrupt_id), response: 'keep' })
      await drain(resumed)
      expect(await thread.state.get({ namespace: child })).toMatchObject({
        values: { notes: ['BM25', 'outline of bm25: keep'] }, next: [], interrupts: [],
      })
      // the subgraph's own checkpoint history, newest first, paged like the root's
      type Page = { checkpoints: { id: string; step: number; metadata: { parent_id: string | null } }[]; next_before?: string }
      const head = await thread.state.get({ namespace: child }) as unknown as { checkpoint: { id: string } }
      const all = await thread.state.listCheckpoints({ namespace: child, limit: 100 }) as unknown as Page
      expect(all.checkpoints.length).toBeGreaterThan(2)
      expect(all.checkpoints[0]!.id).toBe(head.checkpoint.id)
      expect(all.checkpoints[0]!.metadata.parent_id).toBe(all.checkpoints[1]!.id)
      const first = await thread.state.listCheckpoints({ namespace: child, limit: 1 }) as unknown as Page
      const rest = await thread.state.listCheckpoints({ namespace: child, limit: 100, before: first.next_before }) as unknown as Page
      expect([...first.checkpoints, ...rest.checkpoints.slice(0)].map((c) => c.id)).toEqual(all.checkpoints.map((c) => c.id))
      await expect(thread.state.listCheckpoints({ namespace: child, before: 'nope' })).rejects.toMatchObject({ code: 'no_such_checkpoint' })
      await expect(thread.state.listCheckpoints({ namespace: ['child:not-a-task'] })).rejects.toMatchObject({ code: 'no_such_namespace' })
    } finally {
      await thread.close()
    }
  })

  it('answers a namespace with no state no_such_namespace, a malformed one invalid_argument', async () => {
    const c = await RawProtocolClient.open(h.wsUrl(randomUUID()))
    await c.command('subscription.subscribe', { channels: ['lifecycle'] })
    await c.command('run.start', { assistant_id: 'nested', input: { topic: 'x' } })
    await c.waitFor(isRootEnd)
    expect(await c.command('state.get', { namespace: ['child:not-a-task'] })).toMatchObject({ type: 'error', error: 'no_such_namespace', code: 'NOT_FOUND' })
    expect(await c.command('state.get', { namespace: ['a|b'] })).toMatchObject({ type: 'error', error: 'invalid_argument' })
    expect(await c.command('state.get', { namespace: [''] })).toMatchObject({ type: 'error', error: 'invalid_argument' })
    await c.close()
    // a thread that has never run has no subgraph state
    const fresh = await RawProtocolClient.open(h.wsUrl(randomUUID()))
    expect(await fresh.command('state.get', { namespace: ['child:1'] })).toMatchObject({ type: 'error', error: 'no_such_namespace' })
    await fresh.close()
  })
})
