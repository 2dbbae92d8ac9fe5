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

  it('gives the RAG tables of a database from before migration 015 a tenant, keeping ids, the id counter, FTS and cascades', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-db-'))
    dirs.push(dir)
    const opened = await openDb(join(dir, 'old.db'), { migrate: false })
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true })
    expect((await migrator.migrateTo('014-store-vectors')).error).toBeUndefined()
    opened.sqlite.exec(`insert into rag_collections (name) values ('kb');
      insert into rag_documents (collection, source, title, content_hash, chunk_size, chunk_overlap) values
        ('kb', 'a.md', 'Otters', 'h', 800, 100), ('kb', 'b.md', 'Gulls', 'h', 800, 100), ('kb', 'c.md', 'Gone', 'h', 800, 100);
      insert into rag_chunks (document_id, ord, text) values (1, 0, 'otters hold hands'), (2, 0, 'gulls steal chips');
      delete from rag_documents where id = 3;
      insert into assistants (assistant_id, graph_id, name) values ('as1', 'team', 'mine')`)
    await migrateToLatest(opened.db)
    const q = <T>(text: string) => opened.sqlite.prepare(text).all() as T[]
    expect(q('select id, tenant, collection, source from rag_documents order by id')).toEqual([
      { id: 1, tenant: '', collection: 'kb', source: 'a.md' }, { id: 2, tenant: '', collection: 'kb', source: 'b.md' }])
    expect(q('select tenant, name from rag_collections')).toEqual([{ tenant: '', name: 'kb' }])
    expect(q('select tenant from assistants')).toEqual([{ tenant: '' }])
    expect(q("select rowid from rag_chunks_fts where rag_chunks_fts match 'otters'")).toEqual([{ rowid: 1 }])
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    // a deleted id never comes back; the triggers still index new chunks; another tenant may reuse the name
    opened.sqlite.exec(`insert into rag_documents (collection, source, title, content_hash, chunk_size, chunk_overlap) values ('kb', 'd.md', 'Seals', 'h', 800, 100);
      insert into rag_collections (tenant, name) values ('t1', 'kb');
      insert into rag_documents (tenant, collection, source, title, content_hash, chunk_size, chunk_overlap) values ('t1', 'kb', 'a.md', 'Theirs', 'h', 800, 100)`)
    expect(q("select id, tenant from rag_documents where source in ('d.md', 'a.md') order by id")).toEqual([{ id: 1, tenant: '' }, { id: 4, tenant: '' }, { id: 5, tenant: 't1' }])
    opened.sqlite.exec(`insert into rag_chunks (document_id, ord, text) values (4, 0, 'seals sing')`)
    expect(q("select rowid from rag_chunks_fts where rag_chunks_fts match 'seals'")).toHaveLength(1)
    expect(() => opened.sqlite.exec(`insert into rag_documents (tenant, collection, source, title, content_hash, chunk_size, chunk_overlap) values ('t2', 'kb', 'x', 'x', 'h', 1, 0)`)).toThrow(/FOREIGN KEY/)
    opened.sqlite.exec(`delete from rag_collections where tenant = '' and name = 'kb'`)
    expect(q('select tenant, source from rag_documents')).toEqual([{ tenant: 't1', source: 'a.md' }])
    expect(q('select count(*) n from rag_chunks_fts')).toEqual([{ n: 0 }])
    await opened.close()
  })
})
