import type { Kysely } from 'kysely'
import type { DB } from '../../store/schema.js'

/** A document to write straight into the RAG tables (bypassing file ingestion). */
export interface FixtureDoc {
  collection?: string
  source: string
  title: string
  chunks: string[]
  metadata?: Record<string, unknown>
}

/** Inserts a document and its chunks as ingestion would; returns the document id and chunk ids. */
export async function addDoc(db: Kysely<DB>, doc: FixtureDoc): Promise<{ docId: number; chunkIds: number[] }> {
  const collection = doc.collection ?? 'default'
  await db.insertInto('rag_collections').values({ name: collection }).onConflict((oc) => oc.columns(['tenant', 'name']).doNothing()).execute()
  const { id: docId } = await db.insertInto('rag_documents')
    .values({
      collection, source: doc.source, title: doc.title, content_hash: 'x', chunk_size: 1000, chunk_overlap: 0,
      metadata: JSON.stringify(doc.metadata ?? {}),
    })
    .returning('id').executeTakeFirstOrThrow()
  const chunkIds: number[] = []
  for (const [ord, text] of doc.chunks.entries()) {
    const { id } = await db.insertInto('rag_chunks').values({ document_id: docId, ord, text }).returning('id').executeTakeFirstOrThrow()
    chunkIds.push(id)
  }
  return { docId, chunkIds }
}

/** Sends `rows` of `(source, title, text, metadata)` as one-chunk documents. */
export async function addDocs(db: Kysely<DB>, docs: FixtureDoc[]): Promise<Map<string, { docId: number; chunkIds: number[] }>> {
  const out = new Map<string, { docId: number; chunkIds: number[] }>()
  for (const d of docs) out.set(d.source, await addDoc(db, d))
  return out
}
