/** Kysely table types of the RAG store (filled in by the RAG work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RagTables {}
