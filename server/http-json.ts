import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { wireJson } from '../runtime/wire-json.js'

/** Responds with `wireJson(value)`. */
export function sendJson(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(wireJson(value), status, { 'content-type': 'application/json' })
}

/**
 * The `select` of a search or list: only the named fields of `row` (every field when none are named);
 * a named field the row does not have is left out.
 *
 * @example
 * selectFields({ run_id: 'r', status: 'success', kwargs: {} }, ['run_id', 'status']) // { run_id: 'r', status: 'success' }
 */
export function selectFields(row: object, fields?: readonly string[] | null): object {
  if (!fields?.length) return row
  return Object.fromEntries(Object.entries(row).filter(([k]) => fields.includes(k)))
}
