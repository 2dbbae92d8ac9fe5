import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../store/db.js'
import { MIGRATIONS } from '../../store/migrate.js'
import { withMigrationLock } from '../../store/migration-lock.js'
import { runCli } from '../cli/cli-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'sy-migrate-lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migrating one new database from several connections at once', () => {
  it('three connections opening a new file together all succeed, each migration applied once', async () => {
    const path = join(dir, 'together.db')
    const opened = await Promise.all([openDb(path), openDb(path), openDb(path)])
    const rows = opened[0]!.sqlite.prepare('select name from kysely_migration').all() as { name: string }[]
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(MIGRATIONS).sort())
    await Promise.all(opened.map((o) => o.close()))
    expect(existsSync(`${path}.migrate-lock`)).toBe(false)
  })

  it('three switchyard processes started together on a new database all work', async () => {
    const path = join(dir, 'processes.db')
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['--db', path, 'threads', '--json'])))
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']])
  })

  it('takes over a lock a dead process left, and waits for (then gives up on) a live holder', async () => {
    const path = join(dir, 'stale.db')
    writeFileSync(`${path}.migrate-lock`, '999999999')
    const db = await openDb(path)
    await db.close()
    expect(existsSync(`${path}.migrate-lock`)).toBe(false)

    const held = join(dir, 'held.db')
    writeFileSync(`${held}.migrate-lock`, String(process.ppid))
    await expect(withMigrationLock(held, async () => 'ran', 150)).rejects.toMatchObject({ code: 'CONFLICT' })
    rmSync(`${held}.migrate-lock`)
    expect(await withMigrationLock(held, async () => 'ran', 150)).toBe('ran')
  })
})
