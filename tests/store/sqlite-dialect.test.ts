import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GatedSqliteDialect } from '../../store/sqlite-dialect.js'

interface T { items: { id: number; who: string } }

describe('GatedSqliteDialect', () => {
  let dir: string
  let db: Kysely<T>
  let other: Database.Database
  /** What another connection to the same file sees: only committed rows. */
  const committed = () => (other.prepare('select who from items order by id').all() as { who: string }[]).map((r) => r.who)
  const names = async () => (await db.selectFrom('items').select('who').orderBy('id').execute()).map((r) => r.who)

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-dialect-'))
    const sqlite = new Database(join(dir, 't.db'))
    sqlite.pragma('journal_mode = WAL')
    db = new Kysely<T>({ dialect: new GatedSqliteDialect(sqlite) })
    await db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('who', 'text').execute()
    other = new Database(join(dir, 't.db'))
  })
  afterEach(async () => {
    other.close()
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps a query issued during an open transaction out of it: the rollback does not take it along', async () => {
    let inside!: () => void
    const opened = new Promise<void>((r) => { inside = r })
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, who: 'tx' }).execute()
      inside()
      await held
      throw new Error('roll back')
    })
    await opened
    const outside = db.insertInto('items').values({ id: 2, who: 'outside' }).execute()
    release()
    await expect(tx).rejects.toThrow('roll back')
    await outside
    expect(await names()).toEqual(['outside'])
  })

  it('runs transactions one after another, each seeing the previous one committed', async () => {
    const bump = (who: string) => db.transaction().execute(async (trx) => {
      const { n } = await trx.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      await new Promise((r) => setTimeout(r, 2))
      await trx.insertInto('items').values({ id: Number(n) + 1, who }).execute()
    })
    await Promise.all(['a', 'b', 'c', 'd'].map(bump))
    expect(await names()).toEqual(['a', 'b', 'c', 'd'])
  })

  it('lets plain queries through while no transaction is open, and frees the connection after a failed commit', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.insertInto('items').values({ id: i + 1, who: `p${i}` }).execute()))
    expect(await names()).toHaveLength(50)
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, who: 'dup' }).execute()
    })).rejects.toThrow(/UNIQUE/)
    await db.insertInto('items').values({ id: 51, who: 'after' }).execute()
    expect((await names()).at(-1)).toBe('after')
  })

  it('groups the writes of one turn into one commit, and resolves each only once it is committed', async () => {
    const writes = ['a', 'b', 'c'].map((who, i) => db.insertInto('items').values({ id: i + 1, who }).execute())
    // the statements ran (this connection sees them) but nothing is committed yet
    expect(await names()).toEqual(['a', 'b', 'c'])
    expect(committed()).toEqual([])
    const order: string[] = []
    await Promise.all(writes.map((w, i) => w.then(() => order.push(`${i}:${committed().length}`))))
    expect(order).toEqual(['0:3', '1:3', '2:3'])
  })

  it('fails only the statement that broke a constraint; the rest of its group commits', async () => {
    await db.insertInto('items').values({ id: 1, who: 'first' }).execute()
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 2, who: 'ok' }).execute(),
      db.insertInto('items').values({ id: 1, who: 'dup' }).execute(),
      db.updateTable('items').set({ who: 'renamed' }).where('id', '=', 1).execute(),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(committed()).toEqual(['renamed', 'ok'])
  })

  it('commits an open group before a transaction begins, so a rollback leaves the group alone', async () => {
    const grouped = db.insertInto('items').values({ id: 1, who: 'grouped' }).execute()
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 2, who: 'tx' }).execute()
      throw new Error('roll back')
    })).rejects.toThrow('roll back')
    await grouped
    expect(committed()).toEqual(['grouped'])
  })

  it('runs statements that cannot share a transaction (DDL, pragmas) on their own after committing the group', async () => {
    const grouped = db.insertInto('items').values({ id: 1, who: 'grouped' }).execute()
    await db.schema.createTable('more').addColumn('id', 'integer').execute()
    expect(committed()).toEqual(['grouped'])
    await grouped
  })

  it('can be told not to group: each write is committed when its statement runs', async () => {
    const plain = new Kysely<T>({ dialect: new GatedSqliteDialect(new Database(join(dir, 't.db')), { groupCommit: false }) })
    await plain.selectFrom('items').selectAll().execute()
    const w = plain.insertInto('items').values({ id: 7, who: 'alone' }).execute()
    // a read issued after it resolves within the same turn: the write ran, and is already committed
    expect(await plain.selectFrom('items').select('who').execute()).toEqual([{ who: 'alone' }])
    expect(committed()).toEqual(['alone'])
    await w
    await plain.destroy()
  })

  it('lets a second connection of this process write the same file while a group is open: it commits that group first', async () => {
    const raw = new Database(join(dir, 't.db'))
    // a short busy timeout: without the sibling commit this write would wait it out and fail SQLITE_BUSY
    raw.pragma('busy_timeout = 200')
    const second = new Kysely<T>({ dialect: new GatedSqliteDialect(raw) })
    await second.selectFrom('items').selectAll().execute()
    const grouped = db.insertInto('items').values({ id: 1, who: 'first connection' }).execute()
    await names() // the group of the first connection is open now, holding the write lock
    await second.insertInto('items').values({ id: 2, who: 'second connection' }).execute()
    await grouped
    expect(committed()).toEqual(['first connection', 'second connection'])
    await second.destroy()
  })
})
