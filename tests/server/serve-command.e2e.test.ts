import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, spawnServe } from '../cli/cli-harness.js'
import { RawProtocolClient } from './protocol-harness.js'

describe('switchyard serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-serve-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('serves the API to the official SDK until SIGTERM', async () => {
    const { child, url: started } = spawnServe(['--db', join(dir, 'sy.db')])
    const url = await started
    const client = new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })
    expect((await client.assistants.search({ limit: 100 })).map((a) => a.graph_id)).toEqual(expect.arrayContaining(['sdlc', 'team']))
    const thread = await client.threads.create()
    await client.runs.wait(thread.thread_id, 'sdlc', { input: { task: 'a todo app' } })
    expect((await client.threads.get(thread.thread_id)).status).toBe('interrupted')
    // the same process serves protocol v2 over WebSocket
    const ws = await RawProtocolClient.open(`${url.replace(/^http/, 'ws')}/threads/${thread.thread_id}/stream/events`)
    const state = await ws.command('state.get', {})
    expect(state).toMatchObject({ type: 'success' })
    expect(JSON.stringify(state)).toContain('a todo app')
    ws.socket.close()
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('a bad --port is exit 2 with one line on stderr', async () => {
    const r = await runCli(['--db', join(dir, 'bad.db'), 'serve', '--port', 'http'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('switchyard: --port must be an integer from 0 to 65535, got "http"\n')
    expect(existsSync(join(dir, 'bad.db'))).toBe(false)
  })
})
