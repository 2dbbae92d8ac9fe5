import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/** Checkpoint tables for the kysely saver (filled in by the checkpointer work). */
export const checkpointsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(_db: Kysely<any>) {},
}
