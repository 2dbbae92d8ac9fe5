import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AnyGraph } from '../graphs/registry.js'
import type { DB } from '../store/schema.js'
import { drawGraph } from './graph-drawing.js'

/** A graph's drawing (xray, as the debugger draws it) and the sha256 of its canonical JSON. */
export interface GraphVersion { hash: string; drawing: string }

const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
}

const byGraph = new WeakMap<object, Promise<GraphVersion | undefined>>()
const stored = new WeakMap<object, Set<string>>()

/**
 * The version of a compiled graph, computed once per graph object (a factory's per-run graph is drawn
 * per run). A graph that cannot be drawn has no version (undefined): that never fails a run.
 */
export function graphVersion(graph: AnyGraph): Promise<GraphVersion | undefined> {
  let v = byGraph.get(graph)
  if (!v) {
    v = drawGraph(graph, true).then((drawn) => {
      const drawing = JSON.stringify(canonical(drawn))
      return { hash: createHash('sha256').update(drawing).digest('hex'), drawing }
    }, () => undefined)
    byGraph.set(graph, v)
  }
  return v
}

/** Keeps the drawing of `version` (once per database and process; an existing row stays). */
export async function storeGraphVersion(db: Kysely<DB>, graphId: string, version: GraphVersion | undefined): Promise<void> {
  if (!version) return
  let seen = stored.get(db)
  if (!seen) stored.set(db, (seen = new Set()))
  if (seen.has(version.hash)) return
  await db.insertInto('graph_versions')
    .values({ graph_hash: version.hash, graph_id: graphId, drawing: version.drawing, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('graph_hash').doNothing())
    .execute()
  seen.add(version.hash)
}
