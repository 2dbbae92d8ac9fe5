import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type OpenedSqlite } from '../../store/db.js'
import { createRunRepo } from '../../store/run-repo.js'

// A reader of a run's log in the process that writes it (SSE, joinStream, protocol v2) must get only events that
// are committed: SQLite's group commit keeps a turn's writes in an open transaction on the shared connection, and a
// plain read on that connection sees them before the commit — a crash then would undo an event a client already has.
describe('run event log reads (SQLite group commit)', () => {
  let dir: string
  let store: OpenedSqlite
  afterEach(async () => {
    await store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('returns only events another connection can already see (committed)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-events-'))
    const path = join(dir, 'db.sqlite')
    store = await openDb(path)
    const runs = createRunRepo(store.db)
    const run = { run_id: 'r-durable' } // the log is keyed by run id alone
    const other = new Database(path, { readonly: true })
    try {
      for (let round = 0; round < 20; round++) {
        // appended in this turn, not awaited: the write sits in the open group until its commit
        const writes = [0, 1, 2].map((i) => runs.appendEvent(run.run_id, round * 3 + i, 'values', '{}'))
        const read = await runs.listEvents(run.run_id, round * 3 - 1)
        const committed = other.prepare('select count(*) as n from run_events where run_id = ? and seq >= ?').get(run.run_id, round * 3) as { n: number }
        expect(read.length).toBeLessThanOrEqual(committed.n)
        await Promise.all(writes)
      }
    } finally {
      other.close()
    }
  })
})
