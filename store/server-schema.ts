import type { Generated, Selectable } from 'kysely'

/**
 * An assistant: a graph plus a configuration, as the LangGraph Platform API exposes it.
 * `config`, `context` and `metadata` are JSON text.
 */
export interface AssistantTable {
  assistant_id: string
  /** `''`: made outside any tenant (a graph's own assistant, an open server), visible to every tenant (migration 015). */
  tenant: Generated<string>
  graph_id: string
  name: string
  description: string | null
  config: Generated<string>
  context: Generated<string>
  metadata: Generated<string>
  /** The version the assistant currently serves (see `assistant_versions`). */
  version: Generated<number>
  created_at: Generated<string>
  updated_at: Generated<string>
}

/** Every version an assistant ever had; `PATCH` adds one, `POST /latest` points the assistant back at one. */
export interface AssistantVersionTable {
  assistant_id: string
  version: number
  graph_id: string
  name: string
  description: string | null
  config: string
  context: string
  metadata: string
  created_at: Generated<string>
}

/**
 * The long-term key-value store of the `/store` API. `namespace` is the labels joined by `.`
 * (labels may not contain a period), `value` is a JSON object. Items with a TTL expire (migration 012).
 */
export interface StoreItemTable {
  tenant: Generated<string>
  namespace: string
  key: string
  value: string
  created_at: Generated<string>
  updated_at: Generated<string>
  /** Minutes the item lives after its last write or refreshing read; null: it never expires. */
  ttl_minutes: number | null
  /** When the item is gone, in epoch ms (reads skip it, the sweep deletes it); null when `ttl_minutes` is. */
  expires_at: number | null
  /** How the item is indexed for semantic search (migration 014): null = the default fields, `false`, or a JSON list of paths. */
  index_fields: string | null
  /** The embeddings model its vectors come from; null: not embedded (yet). */
  embedded_with: string | null
}

/** One embedded text of a store item: a float32 vector (sqlite-vec's blob format), deleted with its item. */
export interface StoreVectorTable {
  id: Generated<number>
  tenant: string
  namespace: string
  key: string
  /** The index path that produced the text, e.g. `$`, `text`, `tags[*].1`. */
  field: string
  /** sha256 (hex) of the embedded text: a put re-embeds a field only when it changed. */
  text_sha: string
  model: string
  dimensions: number
  embedding: Uint8Array
  created_at: Generated<string>
}

export interface ServerTables {
  assistants: AssistantTable
  assistant_versions: AssistantVersionTable
  store_items: StoreItemTable
  store_vectors: StoreVectorTable
}

export type AssistantRow = Selectable<AssistantTable>
export type AssistantVersionRow = Selectable<AssistantVersionTable>
export type StoreItemRow = Selectable<StoreItemTable>
