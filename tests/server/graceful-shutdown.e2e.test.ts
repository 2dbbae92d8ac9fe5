import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServe, stopChild, tempDb } from '../cli/cli-harness.js'

type Ev = { id?: string; event: string; data: unknown }

/** `switchyard serve` with a slow offline model, so a team run is still going when the server is told to stop. */
const serve = (db: string, grace: string) => spawnServe(['--db', db], { SWITCHYARD_OFFLINE_DELAY_MS: '30' }, ['--shutdown-grace', grace])
const sdk = (url: string) => new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })

/** Starts a team run and returns once its generator node has started. */
async function runUntilGenerator(client: Client) {
  const thread = await client.threads.create()
  const run = await client.runs.create(thread.thread_id, 'team', { input: { task: 'stop gracefully' }, streamMode: ['updates', 'tasks'], streamResumable: true })
  const ac = new AbortController()
  try {
    for await (const e of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '-1', signal: ac.signal }) as AsyncIterable<Ev>) {
      if (e.event === 'tasks' && (e.data as { name: string }).name === 'generator' && !('result' in (e.data as object))) break
    }
  } finally { ac.abort() }
  return { threadId: thread.thread_id, runId: run.run_id }
}

describe('SIGTERM with runs in progress', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())

  it('past --shutdown-grace, a run goes back to the queue and the next server continues it from its last checkpoint', async () => {
    const first = serve(t.db, '100')
    const { threadId, runId } = await runUntilGenerator(sdk(await first.url))
    const t0 = Date.now()
    expect(await stopChild(first.child)).toBe(0)
    expect(Date.now() - t0).toBeLessThan(8_000)

    const second = serve(t.db, '100')
    try {
      const client = sdk(await second.url)
      const values = await client.runs.join(threadId, runId) as { steps: { agent: string }[] }
      expect(values.steps.map((s) => s.agent)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
      expect((await client.runs.get(threadId, runId)).status).toBe('success')
      const events: Ev[] = []
      for await (const e of client.runs.joinStream(threadId, runId, { lastEventId: '-1' }) as AsyncIterable<Ev>) events.push(e)
      expect(events.filter((e) => e.event === 'metadata').map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2])
      expect(events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0])).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
      expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i))
    } finally {
      await stopChild(second.child)
    }
  })

  it('within the grace period, a run finishes before the process exits (one attempt)', async () => {
    const first = serve(t.db, '60000')
    const { threadId, runId } = await runUntilGenerator(sdk(await first.url))
    expect(await stopChild(first.child)).toBe(0)
    const second = serve(t.db, '100')
    try {
      const client = sdk(await second.url)
      const run = await client.runs.get(threadId, runId)
      expect(run.status).toBe('success')
      const events: Ev[] = []
      for await (const e of client.runs.joinStream(threadId, runId, { lastEventId: '-1' }) as AsyncIterable<Ev>) events.push(e)
      expect(events.filter((e) => e.event === 'metadata')).toHaveLength(1)
    } finally {
      await stopChild(second.child)
    }
  })

  it('refuses a bad --shutdown-grace with exit 2', async () => {
    const bad = serve(t.db, 'soon')
    await expect(bad.url).rejects.toThrow(/exited with 2/)
  })
})
