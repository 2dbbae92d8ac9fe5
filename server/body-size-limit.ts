import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

/**
 * Refuses request bodies over `maxSize` bytes. A declared `content-length` is checked without touching
 * the body: Hono's own `bodyLimit` reads `req.raw.body` first, which makes @hono/node-server build a
 * full web Request around the socket stream (about 0.3 ms per request) instead of its direct read.
 * Bodies without a length (chunked) go through Hono's `bodyLimit`, which counts them as they stream.
 */
export function bodySizeLimit(maxSize: number, onError: Parameters<typeof bodyLimit>[0]['onError']): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError })
  return async function bodySizeLimit(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const length = c.req.header('content-length')
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxSize ? onError!(c) : next()
    }
    return counted(c, next)
  }
}
