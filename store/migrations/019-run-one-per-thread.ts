import { sql, type Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/** The index that makes "one running run per thread" the database's rule, not only the claim query's. */
export const ONE_RUNNING_PER_THREAD = 'runs_one_running_per_thread'

/**
 * At most one running run per thread, enforced by the database: a partial unique index on the running
 * runs' thread. On SQLite claims are single statements under one write lock, so the claim query alone
 * kept it; on Postgres two workers claiming with `FOR UPDATE SKIP LOCKED` can pick two different runs of
 * the same thread in the same instant, and this index makes the second claim fail (it retries) instead
 * of running both. A database holding two running runs of one thread (it should not) keeps the oldest
 * running and puts the others back in the queue, so the index can be built.
 */
export const runOnePerThreadMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await sql`update runs set status = 'pending', pid = null, worker_id = null, lease_expires_at = null
      where status = 'running' and exists (select 1 from runs r where r.thread_id = runs.thread_id
        and r.status = 'running' and r.rowid < runs.rowid)`.execute(db)
    await sql`create unique index ${sql.id(ONE_RUNNING_PER_THREAD)} on runs (thread_id) where status = 'running'`.execute(db)
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex(ONE_RUNNING_PER_THREAD).execute()
  },
}
