import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * Trace context of runs (W3C `traceparent` values, null when tracing is off): `trace_parent`, the span
 * active when the run was queued (an HTTP request's), so a run executed later by the queue still lands
 * in the request's trace; `trace_span`, the run's own span once it started, which the thread's next
 * run (a resume) links to.
 */
export const runTraceMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('runs').addColumn('trace_parent', 'text').execute()
    await db.schema.alterTable('runs').addColumn('trace_span', 'text').execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.alterTable('runs').dropColumn('trace_span').execute()
    await db.schema.alterTable('runs').dropColumn('trace_parent').execute()
  },
}
