import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../store/db.js'
import { Migrator } from 'kysely/migration'
import { MIGRATIONS, migrateToLatest } from '../../store/migrate.js'

describe('openDb', () => {
  const dirs: string[] = []
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

  it('creates the file in WAL mode and applies every migration once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-db-'))
    dirs.push(dir)
    const path = join(dir, 'nested', 'sy.db')
    const first = await openDb(path)
    expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    const applied = first.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort())
    await first.close()
    const again = await openDb(path)
    expect((again.sqlite.prepare('select count(*) n from kysely_migration').get() as { n: number }).n).toBe(Object.keys(MIGRATIONS).length)
    await again.close()
  })

  it('numbers the runs of a database from before migration 010 per thread, in creation order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-db-'))
    dirs.push(dir)
    const opened = await openDb(join(dir, 'old.db'), { migrate: false })
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true })
    expect((await migrator.migrateTo('009-rag-vectors')).error).toBeUndefined()
    opened.sqlite.exec(`insert into threads (thread_id) values ('a'), ('b');
      insert into runs (run_id, thread_id, graph, kind, status, created_at) values
        ('a2', 'a', 'g', 'input', 'success', '2026-01-02'), ('b1', 'b', 'g', 'input', 'success', '2026-01-01'),
        ('a1', 'a', 'g', 'input', 'success', '2026-01-01'), ('a3', 'a', 'g', 'input', 'pending', '2026-01-02')`)
    await migrateToLatest(opened.db)
    const rows = opened.sqlite.prepare('select run_id, ordinal from runs order by run_id').all()
    expect(rows).toEqual([{ run_id: 'a1', ordinal: 1 }, { run_id: 'a2', ordinal: 2 }, { run_id: 'a3', ordinal: 3 }, { run_id: 'b1', ordinal: 1 }])
    await opened.close()
  })
})
