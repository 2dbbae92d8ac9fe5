import type { MiddlewareHandler } from 'hono'
import { AppError } from '../store/app-error.js'

/** How deep a request body or WebSocket frame may nest (arrays and objects); far beyond any real state. */
export const MAX_JSON_DEPTH = 512

/**
 * Whether JSON text nests deeper than `max` levels, found in one pass without parsing (brackets inside
 * strings do not count). JSON.parse accepts any depth, but what comes after it recurses — `JSON.stringify`
 * when the body is stored, zod, the metadata filters — and a stack overflow there is a 500 after some
 * writes may already be made; so depth is refused at the edge, before anything runs.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true
    } else if (c === 93 || c === 125) {
      depth--
    }
  }
  return false
}

/** The error a too-deep body or frame gets. */
export const tooDeep = (what: string, max = MAX_JSON_DEPTH): AppError =>
  new AppError('VALIDATION', `${what} nests deeper than ${max} levels of arrays and objects`, { details: { max_depth: max } })

/**
 * Refuses JSON request bodies nested deeper than `max` (a typed 400). The text it reads is Hono's cached
 * body, which the route's `c.req.json()` then parses: the body is read once either way.
 */
export function jsonDepthLimit(max = MAX_JSON_DEPTH): MiddlewareHandler {
  return async function jsonDepthLimit(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next()
    if (!/json/i.test(c.req.header('content-type') ?? '')) return next()
    if (jsonTooDeep(await c.req.text(), max)) throw tooDeep('request body', max)
    return next()
  }
}
