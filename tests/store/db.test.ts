import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../store/db.js'
import { MIGRATIONS } from '../../store/migrate.js'

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
})
