import type { CheckpointTables } from './checkpoint-schema.js'
import type { CronTables } from './cron-schema.js'
import type { GraphVersionTables } from './graph-version-schema.js'
import type { RagTables } from './rag-schema.js'
import type { RunTables } from './run-schema.js'
import type { ServerTables } from './server-schema.js'

/** The whole database, as kysely sees it. */
export interface DB extends CheckpointTables, RunTables, RagTables, ServerTables, CronTables, GraphVersionTables {}
