import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServe, tempDb } from '../cli/cli-harness.js'

type Ev = { id?: string; event: string; data: unknown }

/** Starts `switchyard serve --port 0` as a child process and resolves with its URL. */
const serve = (db: string) => spawnServe(['--db', db], { SWITCHYARD_OFFLINE_DELAY_MS: '30' })

describe('a server killed mid-run', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())

  it('resumes the run at start-up from its last checkpoint: completed nodes never run again', async () => {
    const first = serve(t.db)
    const client = new Client({ apiUrl: await first.url, apiKey: null, callerOptions: { maxRetries: 0 } })
    const thread = await client.threads.create()
    const run = await client.runs.create(thread.thread_id, 'team', { input: { task: 'survive a crash' }, streamMode: ['updates', 'tasks'], streamResumable: true })
    const ac = new AbortController()
    try {
      for await (const e of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '-1', signal: ac.signal }) as AsyncIterable<Ev>) {
        if (e.event === 'tasks' && (e.data as { name: string }).name === 'generator' && !('result' in (e.data as object))) break
      }
    } finally { ac.abort() }
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('close', r))

    const second = serve(t.db)
    try {
      const again = new Client({ apiUrl: await second.url, apiKey: null, callerOptions: { maxRetries: 0 } })
      const values = await again.runs.join(thread.thread_id, run.run_id) as { steps: { agent: string }[] }
      expect(values.steps.map((s) => s.agent)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
      const r = await again.runs.get(thread.thread_id, run.run_id)
      expect(r.status).toBe('success')
      const events: Ev[] = []
      for await (const e of again.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '-1' }) as AsyncIterable<Ev>) events.push(e)
      expect(events.filter((e) => e.event === 'metadata').map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2])
      const updates = events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0])
      expect(updates).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
      const generatorStarts = events.filter((e) => e.event === 'tasks' && (e.data as { name: string }).name === 'generator' && !('result' in (e.data as object)))
      expect(generatorStarts).toHaveLength(2) // the killed node runs again from its start
      expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i))
    } finally {
      second.child.kill('SIGTERM')
      await new Promise((r) => second.child.once('close', r))
    }
  })
})
