import type { Selectable } from 'kysely'

/** A graph's drawing (`GET /assistants/{id}/graph?xray` JSON) as some run executed it (migration 018). */
export interface GraphVersionTable {
  /** sha256 (hex) of the drawing's canonical JSON. */
  graph_hash: string
  graph_id: string
  /** The drawing, JSON text. */
  drawing: string
  /** When this process first recorded it (ISO). */
  created_at: string
}

export interface GraphVersionTables { graph_versions: GraphVersionTable }
export type GraphVersionRow = Selectable<GraphVersionTable>
