import type { ChildProcess } from 'node:child_process'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, spawnServe, tempDb, stopChild } from '../cli/cli-harness.js'
import { until } from './server-harness.js'

type Line = Record<string, unknown>

/** The JSON lines a child process wrote to stderr so far. */
function logLines(child: ChildProcess): () => Line[] {
  let buf = ''
  child.stderr?.on('data', (d: Buffer) => { buf += d.toString() })
  return () => buf.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line)
}

describe('switchyard serve logs as JSON lines on stderr', () => {
  const t = tempDb()
  afterAll(() => t.cleanup())

  it('one line per request (method, path, status, ms) and per finished run; debug hidden at info', async () => {
    const srv = spawnServe(['--db', t.db], { SWITCHYARD_LOG_LEVEL: 'info' })
    const lines = logLines(srv.child)
    try {
      const client = new Client({ apiUrl: await srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
      const thread = await client.threads.create()
      await client.runs.wait(thread.thread_id, 'team', { input: { task: 'log me' } })
      await fetch(`${await srv.url}/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"metadata": 5}' })
      const requests = await until(async () => {
        const r = lines().filter((l) => l.msg === 'request')
        return r.length >= 3 ? r : undefined
      }, 'three request lines')
      expect(requests[0]).toMatchObject({ service: 'switchyard', level: 30, method: 'POST', path: '/threads', status: 200 })
      expect(requests[1]).toMatchObject({ method: 'POST', path: `/threads/${thread.thread_id}/runs/wait`, status: 200 })
      expect(requests[2]).toMatchObject({ method: 'POST', path: '/threads', status: 400 })
      for (const r of requests) expect(typeof r.ms).toBe('number')
      expect(typeof requests[0]!.time).toBe('string')
      const finished = lines().find((l) => l.msg === 'run finished')
      expect(finished).toMatchObject({ thread_id: thread.thread_id, graph: 'team', status: 'success', attempt: 1 })
      expect(lines().every((l) => Number(l.level) >= 30)).toBe(true)
    } finally {
      await stopChild(srv.child)
    }
  })

  it('SWITCHYARD_LOG_LEVEL=warn keeps requests out; a bad level is a usage error (exit 2)', async () => {
    const quiet = spawnServe(['--db', t.db], { SWITCHYARD_LOG_LEVEL: 'warn' })
    const lines = logLines(quiet.child)
    try {
      const client = new Client({ apiUrl: await quiet.url, apiKey: null, callerOptions: { maxRetries: 0 } })
      await client.threads.create()
    } finally {
      await stopChild(quiet.child)
    }
    expect(lines().filter((l) => l.msg === 'request')).toEqual([])
    const bad = await runCli(['--db', t.db, 'serve', '--port', '0'], { SWITCHYARD_LOG_LEVEL: 'chatty' })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/SWITCHYARD_LOG_LEVEL: log level must be one of/)
  })
})
