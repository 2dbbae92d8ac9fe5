import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * Run leases: the worker that claimed a running run (`worker_id`, e.g. `host/pid/nonce`) and until when
 * its claim holds (`lease_expires_at`, ISO) unless its heartbeat renews it. A run whose lease ran out
 * (its worker died, or stalled longer than the lease) goes back to the queue and continues from its
 * last checkpoint on whichever worker claims it next.
 */
export const runLeaseMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('runs').addColumn('worker_id', 'text').execute()
    await db.schema.alterTable('runs').addColumn('lease_expires_at', 'text').execute()
    await db.schema.createIndex('runs_lease').on('runs').columns(['status', 'lease_expires_at']).execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('runs_lease').execute()
    await db.schema.alterTable('runs').dropColumn('lease_expires_at').execute()
    await db.schema.alterTable('runs').dropColumn('worker_id').execute()
  },
}
