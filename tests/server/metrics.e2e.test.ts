import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServe, stopChild, tempDb } from '../cli/cli-harness.js'

const stop = (srv: ReturnType<typeof spawnServe>) => stopChild(srv.child)

describe('switchyard serve --metrics', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())

  it('serves Prometheus metrics: requests by route pattern, runs by graph and status, the queue, the process', async () => {
    const srv = spawnServe(['--db', t.db], {}, ['--metrics'])
    try {
      const url = await srv.url
      const client = new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })
      for (const task of ['one', 'two']) {
        const thread = await client.threads.create()
        await client.runs.wait(thread.thread_id, 'team', { input: { task } })
      }
      await fetch(`${url}/threads/00000000-0000-4000-8000-000000000000`)
      const res = await fetch(`${url}/metrics`)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      const text = await res.text()
      expect(text).toContain('switchyard_runs_total{graph="team",status="success"} 2')
      expect(text).toContain('switchyard_run_duration_seconds_count{graph="team"} 2')
      expect(text).toContain('switchyard_http_request_duration_seconds_count{method="POST",route="/threads/:thread_id/runs/wait",status="200"} 2')
      expect(text).toContain('switchyard_http_request_duration_seconds_count{method="GET",route="/threads/:thread_id",status="404"} 1')
      expect(text).toMatch(/switchyard_runs\{status="pending"\} 0/)
      expect(text).toMatch(/switchyard_process_cpu_seconds_total \d/)
    } finally {
      await stop(srv)
    }
  })

  it('is off by default, and behind the API keys when they are set', async () => {
    const plain = spawnServe(['--db', t.db])
    try {
      expect((await fetch(`${await plain.url}/metrics`)).status).toBe(404)
    } finally {
      await stop(plain)
    }
    const keyed = spawnServe(['--db', t.db], { SWITCHYARD_API_KEYS: 'key-ops-0001=ops' }, ['--metrics'])
    try {
      const url = await keyed.url
      expect((await fetch(`${url}/metrics`)).status).toBe(401)
      expect((await fetch(`${url}/metrics`, { headers: { 'x-api-key': 'key-ops-0001' } })).status).toBe(200)
    } finally {
      await stop(keyed)
    }
  })
})
