import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnServe, stopChild, tempDb } from '../cli/cli-harness.js'
import { rawJson } from './server-harness.js'

// Several processes on one SQLite file: a write that finds another process holding the file's write lock
// past the busy timeout ("database is locked", SQLITE_BUSY) is a typed 503 BUSY with Retry-After, not a
// 500; the CLI says it in one line; nothing half-written stays, and the server keeps serving.
describe('SQLite write lock held by another process past the busy timeout', () => {
  const t = tempDb()
  // a short busy timeout, so the test waits 300 ms per refused write instead of 5 s
  const env = { SWITCHYARD_SQLITE_BUSY_MS: '300' }
  let serve: ReturnType<typeof spawnServe>
  let url: string
  let lock: Database.Database
  beforeAll(async () => {
    serve = spawnServe(['--db', t.db], env)
    url = await serve.url
    lock = new Database(t.db)
  })
  afterAll(async () => {
    if (lock.inTransaction) lock.exec('rollback')
    lock.close()
    await stopChild(serve.child)
    t.cleanup()
  })

  it('HTTP: a write is 503 BUSY with Retry-After while the lock is held; reads still answer; the same write succeeds once it is released', async () => {
    const before = await rawJson(`${url}/threads`, { method: 'POST', body: JSON.stringify({ metadata: { n: 0 } }) })
    expect(before.status).toBe(200)
    lock.exec('begin immediate')
    const refused = await rawJson(`${url}/threads`, { method: 'POST', body: JSON.stringify({ thread_id: '00000000-0000-4000-8000-00000000b051', metadata: { n: 1 } }) })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.body).toMatchObject({ code: 'BUSY', details: { retry_after: 1 } })
    expect(String(refused.body.message)).toMatch(/database is busy \(database is locked\).*retry/)
    // readers are not blocked by a writer (WAL)
    expect((await rawJson(`${url}/threads/${before.body.thread_id as string}`)).status).toBe(200)
    lock.exec('commit')
    // nothing of the refused write was stored; sent again, it lands
    expect((await rawJson(`${url}/threads/00000000-0000-4000-8000-00000000b051`)).status).toBe(404)
    const again = await rawJson(`${url}/threads`, { method: 'POST', body: JSON.stringify({ thread_id: '00000000-0000-4000-8000-00000000b051', metadata: { n: 1 } }) })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ thread_id: '00000000-0000-4000-8000-00000000b051', metadata: { n: 1 } })
  })

  it('CLI: a run that cannot write is one BUSY line and exit 1; once the lock is gone the same command runs', async () => {
    lock.exec('begin immediate')
    let r: Awaited<ReturnType<typeof runCli>>
    try {
      r = await runCli(['--db', t.db, 'run', 'team', '--input', '{"task":"What is BM25?"}', '--json'], env)
    } finally {
      lock.exec('commit')
    }
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('switchyard:'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^switchyard: BUSY: the database is busy \(database is locked\).*retry in 1 s$/)
    const ok = await runCli(['--db', t.db, 'run', 'team', '--input', '{"task":"What is BM25?"}', '--json'], env)
    expect(ok.code).toBe(0)
  })

  it('SWITCHYARD_SQLITE_BUSY_MS is checked: one line, exit 1, nothing opened', async () => {
    const r = await runCli(['--db', t.db, 'threads'], { SWITCHYARD_SQLITE_BUSY_MS: 'soon' })
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim()).toMatch(/^switchyard: SWITCHYARD_SQLITE_BUSY_MS must be a whole number of ms/)
  })
})
