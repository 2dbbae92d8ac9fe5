import { sql, type Generated, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import type { DB } from '../store/schema.js'
import { loadSqliteVec, type ExtensionLoader } from './sqlite-vec.js'

/**
 * The registry of vector tables (migration 009). A type alias, not an interface: `withTables` needs
 * the implicit index signature. Kept out of `DB`; reach it through `db.withTables<RagVectorTables>()`.
 */
export type RagVectorTables = {
  rag_vector_indexes: { id: Generated<number>; model: string; dimensions: number; table_name: string; created_at: Generated<string> }
}

/** One sqlite-vec `vec0` table: `rowid` = chunk id, `embedding float[dimensions]`, cosine distance. */
export interface VectorIndex {
  id: number
  model: string
  dimensions: number
  table: string
}

const TABLE_NAME = /^rag_vec_\d+$/
const registry = (db: Kysely<DB>) => db.withTables<RagVectorTables>()

function toIndex(row: { id: number; model: string; dimensions: number; table_name: string }): VectorIndex {
  // the name is spliced into SQL; a row written by anything else than ensureVectorIndex is refused
  if (!TABLE_NAME.test(row.table_name)) throw new AppError('INTERNAL', `bad vector table name ${JSON.stringify(row.table_name)}`)
  return { id: row.id, model: row.model, dimensions: row.dimensions, table: row.table_name }
}

/**
 * The vector index of `model` (at `dimensions` when given, else the newest one of the model), or
 * undefined when nothing has been embedded with it yet. Needs no extension.
 */
export async function findVectorIndex(db: Kysely<DB>, model: string, dimensions?: number): Promise<VectorIndex | undefined> {
  let q = registry(db).selectFrom('rag_vector_indexes').select(['id', 'model', 'dimensions', 'table_name']).where('model', '=', model)
  if (dimensions !== undefined) q = q.where('dimensions', '=', dimensions)
  const row = await q.orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row && toIndex(row)
}

/** Every vector index, oldest first (e.g. to drop those of a model no longer used). */
export async function listVectorIndexes(db: Kysely<DB>): Promise<VectorIndex[]> {
  const rows = await registry(db).selectFrom('rag_vector_indexes').select(['id', 'model', 'dimensions', 'table_name']).orderBy('id').execute()
  return rows.map(toIndex)
}

/** The index of `model` at `dimensions`, created (registry row + `vec0` table) when missing. */
export async function ensureVectorIndex(
  db: Kysely<DB>,
  sqlite: ExtensionLoader,
  spec: { model: string; dimensions: number },
): Promise<VectorIndex> {
  if (!Number.isInteger(spec.dimensions) || spec.dimensions < 1 || spec.dimensions > 8192) {
    throw new AppError('UPSTREAM', `embedding dimension ${spec.dimensions} is not usable`)
  }
  loadSqliteVec(sqlite)
  return db.transaction().execute(async (trx) => {
    await registry(trx).insertInto('rag_vector_indexes')
      // a placeholder name, unique per row until the id is known
      .values({ model: spec.model, dimensions: spec.dimensions, table_name: `pending:${spec.model}:${spec.dimensions}` })
      .onConflict((oc) => oc.columns(['model', 'dimensions']).doNothing())
      .execute()
    const row = await registry(trx).selectFrom('rag_vector_indexes').select(['id', 'model', 'dimensions', 'table_name'])
      .where('model', '=', spec.model).where('dimensions', '=', spec.dimensions).executeTakeFirstOrThrow()
    const table = `rag_vec_${row.id}`
    if (row.table_name !== table) {
      await registry(trx).updateTable('rag_vector_indexes').set({ table_name: table }).where('id', '=', row.id).execute()
    }
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${sql.table(table)}
      USING vec0(embedding float[${sql.raw(String(spec.dimensions))}] distance_metric=cosine)`.execute(trx)
    return { id: row.id, model: row.model, dimensions: row.dimensions, table }
  })
}

/** Drops an index's `vec0` table and its registry row. */
export async function dropVectorIndex(db: Kysely<DB>, sqlite: ExtensionLoader, index: VectorIndex): Promise<void> {
  loadSqliteVec(sqlite)
  await db.transaction().execute(async (trx) => {
    await sql`DROP TABLE IF EXISTS ${sql.table(index.table)}`.execute(trx)
    await registry(trx).deleteFrom('rag_vector_indexes').where('id', '=', index.id).execute()
  })
}

/** The chunk ids that have a vector in `index`. */
export async function vectorIds(db: Kysely<DB>, index: VectorIndex): Promise<Set<number>> {
  const { rows } = await sql<{ id: number }>`SELECT rowid AS id FROM ${sql.table(index.table)}`.execute(db)
  return new Set(rows.map((r) => r.id))
}

/** Number of vectors in `index`. */
export async function countVectors(db: Kysely<DB>, index: VectorIndex): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(index.table)}`.execute(db)
  return rows[0]?.n ?? 0
}

/** Packs a vector for sqlite-vec (float32 little-endian blob), checking its length. */
export function toVectorBlob(index: VectorIndex, vector: ArrayLike<number>): Float32Array {
  if (vector.length !== index.dimensions) {
    throw new AppError('UPSTREAM', `the embeddings model returned ${vector.length} dimensions, index ${index.table} (${index.model}) holds ${index.dimensions}`)
  }
  return Float32Array.from(vector)
}

/**
 * Writes vectors (chunk id → vector) in one transaction. Chunks deleted meanwhile and chunks that
 * already have a vector (a concurrent sync) are skipped; returns how many were written.
 */
export async function insertVectors(db: Kysely<DB>, index: VectorIndex, rows: { id: number; vector: ArrayLike<number> }[]): Promise<number> {
  const blobs = rows.map((r) => ({ id: r.id, blob: toVectorBlob(index, r.vector) }))
  return db.transaction().execute(async (trx) => {
    let written = 0
    for (const { id, blob } of blobs) {
      const chunk = await trx.selectFrom('rag_chunks').select('id').where('id', '=', id).executeTakeFirst()
      if (chunk === undefined) continue
      const { rows: had } = await sql`SELECT 1 FROM ${sql.table(index.table)} WHERE rowid = ${BigInt(id)}`.execute(trx)
      if (had.length > 0) continue
      // vec0 refuses a rowid bound as a JS number (a double): it must be a BigInt
      await sql`INSERT INTO ${sql.table(index.table)}(rowid, embedding) VALUES (${BigInt(id)}, ${blob})`.execute(trx)
      written += 1
    }
    return written
  })
}

/** Deletes the vectors of `ids` in one transaction. */
export async function deleteVectors(db: Kysely<DB>, index: VectorIndex, ids: Iterable<number>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const id of ids) await sql`DELETE FROM ${sql.table(index.table)} WHERE rowid = ${BigInt(id)}`.execute(trx)
  })
}
