import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { ddl } from './ddl.js'

/**
 * Checkpoint tables for the kysely saver: checkpoints (with the small values each one changed), large channel
 * values per version (full or delta), pending writes.
 * Every lookup is by primary-key prefix, so no secondary index is needed.
 */
export const checkpointsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async up(db: Kysely<any>) {
    const { blob, int } = ddl(db)
    await db.schema
      .createTable('checkpoints')
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_ns', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('checkpoint_id', 'text', (c) => c.notNull())
      .addColumn('parent_checkpoint_id', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('checkpoint', blob, (c) => c.notNull())
      .addColumn('metadata', blob, (c) => c.notNull())
      .addColumn('inline_type', 'text')
      .addColumn('inline_data', blob)
      .addColumn('inline_refs', 'text', (c) => c.notNull().defaultTo('{}'))
      .addPrimaryKeyConstraint('checkpoints_pk', ['thread_id', 'checkpoint_ns', 'checkpoint_id'])
      .execute()
    await db.schema
      .createTable('checkpoint_blobs')
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_ns', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('base_version', 'text')
      .addColumn('data', blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('checkpoint_blobs_pk', ['thread_id', 'checkpoint_ns', 'channel', 'version'])
      .execute()
    await db.schema
      .createTable('checkpoint_writes')
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_ns', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('checkpoint_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('idx', int, (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', blob, (c) => c.notNull())
      .addColumn('task_path', 'text', (c) => c.notNull().defaultTo(''))
      .addPrimaryKeyConstraint('checkpoint_writes_pk', ['thread_id', 'checkpoint_ns', 'checkpoint_id', 'task_id', 'idx'])
      .execute()
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('checkpoint_writes').execute()
    await db.schema.dropTable('checkpoint_blobs').execute()
    await db.schema.dropTable('checkpoints').execute()
  },
}
