/** Kysely table types of the checkpointer (filled in by the checkpointer work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CheckpointTables {}
