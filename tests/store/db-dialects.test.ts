import { afterAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { openStore } from '../../store/db.js'
import { MIGRATIONS } from '../../store/migrate.js'
import { openTempStore, tempTarget, testDialects } from './dialects.js'

const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

describe.each(dialects)('openStore on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => { for (const c of cleanups.splice(0)) await c() })

  it('migrates once when several processes open a new database together', async () => {
    const t = await tempTarget(dialect, 'race')
    cleanups.push(t.remove)
    const opened = await Promise.all([1, 2, 3].map(() => openStore(t.target, { poolSize: 2 })))
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(opened[0]!.db)
    expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort())
    expect(opened.map((o) => o.dialect)).toEqual([dialect, dialect, dialect])
    for (const o of opened) await o.close()
  })

  it('refuses a database migrated by a newer version, before writing anything', async () => {
    const t = await openTempStore(dialect, 'newer')
    cleanups.push(t.cleanup)
    await sql`insert into kysely_migration (name, timestamp) values ('999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(t.store.db)
    await sql`delete from kysely_migration where name = '016-run-trace'`.execute(t.store.db)
    const err = await openStore(t.target).then(() => undefined, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect((err as Error).message).toMatch(/migrated by a newer Switchyard \(unknown migrations: 999-from-the-future\)/)
    // the pending 016 was not applied either: refused before the migrator ran
    const { rows } = await sql<{ name: string }>`select name from kysely_migration where name = '016-run-trace'`.execute(t.store.db)
    expect(rows).toEqual([])
  })
})

describe('openStore on an unreachable Postgres', () => {
  it('is one UPSTREAM line naming the host, without the password', async () => {
    const err = await openStore('postgres://someone:s3cret@127.0.0.1:1/test').then(() => undefined, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'UPSTREAM' })
    expect((err as Error).message).toBe('cannot connect to Postgres at postgres://someone:***@127.0.0.1:1/test: connection refused')
  })

  it.runIf(dialects.includes('postgres'))('names a database that does not exist', async () => {
    const err = await openStore('postgres://postgres@127.0.0.1:5432/no_such_db_sy').then(() => undefined, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'UPSTREAM' })
    expect((err as Error).message).toMatch(/no_such_db_sy: (no such database|authentication failed)/)
  })

  it('refuses a schema that is not a plain identifier', async () => {
    await expect(openStore('postgres://127.0.0.1:5432/test?schema=a;drop')).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})
