import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { runLocally } from '../../runtime/local-run.js'
import { createRun, waitForRun } from '../../runtime/run-service.js'
import { openRuntime } from '../../runtime/runtime.js'
import { watchCommits } from '../../store/commit-watch.js'
import { spawnServe, stopChild } from '../cli/cli-harness.js'
import { bootProtocolServer, isRootEnd, RawProtocolClient } from './protocol-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'sy-xproc-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('work another process puts in the database is seen at once (PRAGMA data_version)', () => {
  it('watchCommits signals commits of other connections, not its own', async () => {
    const path = join(dir, 'watch.db')
    const own = new Database(path)
    const other = new Database(path)
    own.exec('create table t (x)')
    const watch = watchCommits(own, 10)
    let seen = 0
    const off = watch.onExternalCommit(() => { seen++ })
    own.exec('insert into t values (1)')
    await new Promise((r) => setTimeout(r, 60))
    expect(seen).toBe(0)
    other.exec('insert into t values (2)')
    for (const end = Date.now() + 30_000; seen === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 10))
    expect(seen).toBe(1)
    off()
    watch.stop()
    own.close()
    other.close()
  })

  it('a `switchyard serve` process runs a run queued by this one within moments (its store poll is 30 s)', async () => {
    const db = join(dir, 'serve.db')
    const rt = await openRuntime({ dbPath: db, env: { SWITCHYARD_MODEL: 'offline' } })
    const { child, url } = spawnServe(['--db', db])
    try {
      await url
      const started = Date.now()
      const run = await createRun(rt, { graph: 'team', kind: 'input', kwargs: { input: { task: 'from another process' }, stream_mode: ['values'] } })
      // this process runs no queue: the server process claims the run, and its commits wake waitForRun here
      const done = await waitForRun(rt, run.run_id)
      expect(done?.status).toBe('success')
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await stopChild(child)
      await rt.close()
    }
  })

  it('a `switchyard serve` process on the same file never takes a run the CLI runs itself', async () => {
    const db = join(dir, 'cli.db')
    const rt = await openRuntime({ dbPath: db, env: { SWITCHYARD_MODEL: 'offline' } })
    const { child, url } = spawnServe(['--db', db])
    try {
      await url
      for (const task of ['one', 'two', 'three']) {
        const r = await runLocally(rt, { kind: 'input', graph: 'team', input: { task } }, { onEvent: () => undefined })
        expect(r.settled.status).toBe('success')
        expect((await rt.runs.getRun(r.run_id)).pid).toBe(process.pid)
      }
    } finally {
      await stopChild(child)
      await rt.close()
    }
  })

  it("a live protocol session learns of a run another connection created on its thread without its poll", async () => {
    const db = join(dir, 'proto.db')
    const server = await bootProtocolServer(db, {}, { protocolPollMs: 600_000 })
    const other = await openRuntime({ dbPath: db, env: { SWITCHYARD_MODEL: 'offline' } })
    try {
      const thread = await server.client.threads.create()
      const c = await RawProtocolClient.open(server.wsUrl(thread.thread_id))
      await c.command('subscription.subscribe', { channels: ['lifecycle', 'updates'] })
      await createRun(other, { threadId: thread.thread_id, graph: 'team', kind: 'input', kwargs: { input: { task: 'queued elsewhere' }, stream_mode: ['updates'] } })
      await c.waitFor(isRootEnd, 45_000)
      expect(c.events().filter((e) => e.method === 'updates').map((e) => e.params!.data.node)).toContain('report')
      await c.close()
    } finally {
      await other.close()
      await server.stop()
    }
  })
})
