import { sql, type Generated, type Kysely } from 'kysely'
import { AppError } from '../store/app-error.js'
import { dialectOf } from '../store/dialect.js'
import type { DB } from '../store/schema.js'
import { loadSqliteVec, type ExtensionLoader } from './sqlite-vec.js'

/**
 * The registry of vector tables (migration 009), and on Postgres the vectors themselves (migration 020:
 * what a `vec0` table holds on SQLite, keyed by index and chunk). A type alias, not an interface:
 * `withTables` needs the implicit index signature. Kept out of `DB`; reach it through `db.withTables<RagVectorTables>()`.
 */
export type RagVectorTables = {
  rag_vector_indexes: { id: Generated<number>; model: string; dimensions: number; table_name: string; created_at: Generated<string> }
  rag_chunk_vectors: { index_id: number; chunk_id: number; embedding: Uint8Array }
}

/**
 * The vectors of one model at one dimension. SQLite: a sqlite-vec `vec0` table named `table` (`rowid` =
 * chunk id, `embedding float[dimensions]`, cosine distance). Postgres: the `rag_chunk_vectors` rows of `id`
 * (`table` is the same name, unused).
 */
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
  sqlite: ExtensionLoader | undefined,
  spec: { model: string; dimensions: number },
): Promise<VectorIndex> {
  if (!Number.isInteger(spec.dimensions) || spec.dimensions < 1 || spec.dimensions > 8192) {
    throw new AppError('UPSTREAM', `embedding dimension ${spec.dimensions} is not usable`)
  }
  const pg = onPostgres(db, sqlite)
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
    if (!pg) {
      await sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${sql.table(table)}
        USING vec0(embedding float[${sql.raw(String(spec.dimensions))}] distance_metric=cosine)`.execute(trx)
    }
    return { id: row.id, model: row.model, dimensions: row.dimensions, table }
  })
}

/** Drops an index's `vec0` table (Postgres: its rows, by cascade) and its registry row. */
export async function dropVectorIndex(db: Kysely<DB>, sqlite: ExtensionLoader | undefined, index: VectorIndex): Promise<void> {
  const pg = onPostgres(db, sqlite)
  await db.transaction().execute(async (trx) => {
    if (!pg) await sql`DROP TABLE IF EXISTS ${sql.table(index.table)}`.execute(trx)
    await registry(trx).deleteFrom('rag_vector_indexes').where('id', '=', index.id).execute()
  })
}

/** The chunk ids that have a vector in `index`. */
export async function vectorIds(db: Kysely<DB>, index: VectorIndex): Promise<Set<number>> {
  if (dialectOf(db) === 'postgres') {
    const rows = await registry(db).selectFrom('rag_chunk_vectors').select('chunk_id').where('index_id', '=', index.id).execute()
    return new Set(rows.map((r) => r.chunk_id))
  }
  const { rows } = await sql<{ id: number }>`SELECT rowid AS id FROM ${sql.table(index.table)}`.execute(db)
  return new Set(rows.map((r) => r.id))
}

/** Number of vectors in `index`. */
export async function countVectors(db: Kysely<DB>, index: VectorIndex): Promise<number> {
  if (dialectOf(db) === 'postgres') {
    const row = await registry(db).selectFrom('rag_chunk_vectors').select((e) => e.fn.countAll<number>().as('n')).where('index_id', '=', index.id).executeTakeFirst()
    return Number(row?.n ?? 0)
  }
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
  if (dialectOf(db) === 'postgres') {
    if (blobs.length === 0) return 0
    // one statement: only chunks that still exist, and a vector a concurrent sync wrote first is kept
    const values = blobs.map(({ id, blob }) => sql`(${id}::bigint, ${Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)}::bytea)`)
    const { numAffectedRows } = await sql`insert into rag_chunk_vectors (index_id, chunk_id, embedding)
      select ${index.id}::bigint, v.id, v.embedding from (values ${sql.join(values)}) as v(id, embedding)
      join rag_chunks c on c.id = v.id
      on conflict do nothing`.execute(db)
    return Number(numAffectedRows ?? 0)
  }
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
  if (dialectOf(db) === 'postgres') {
    const all = [...ids]
    for (let i = 0; i < all.length; i += 1000) {
      await registry(db).deleteFrom('rag_chunk_vectors').where('index_id', '=', index.id).where('chunk_id', 'in', all.slice(i, i + 1000)).execute()
    }
    return
  }
  await db.transaction().execute(async (trx) => {
    for (const id of ids) await sql`DELETE FROM ${sql.table(index.table)} WHERE rowid = ${BigInt(id)}`.execute(trx)
  })
}

/**
 * True on a Postgres store (vectors in `rag_chunk_vectors`, no extension); on SQLite loads sqlite-vec into
 * `sqlite`, which must be the raw handle behind `db`.
 */
export function onPostgres(db: Kysely<DB>, sqlite: ExtensionLoader | undefined): boolean {
  if (dialectOf(db) === 'postgres') return true
  if (sqlite === undefined) throw new AppError('INTERNAL', 'vectors on SQLite need the raw handle to load sqlite-vec into')
  loadSqliteVec(sqlite)
  return false
}
