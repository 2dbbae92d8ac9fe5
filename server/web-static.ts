import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from '../store/app-error.js'
import { PACKAGE_ROOT } from '../store/package-root.js'

/** Where `npm run build:web` (run by `npm install`'s prepare step) writes the debugger. */
export const WEB_DIST_DIR = join(PACKAGE_ROOT, 'web/dist')

/** The debugger's URL prefix: its deep links (`/ui/threads/…`) never collide with an API path. */
export const WEB_BASE = '/ui'

const HASHED = 'public, max-age=31536000, immutable'
const isAsset = (path: string) => path.startsWith(`${WEB_BASE}/assets/`)

/**
 * Serves the built web debugger: `GET /` redirects to `/ui/`, files under `/ui/` come from `distDir`
 * (hashed assets cached for a year, the rest revalidated), and any other `/ui/...` path gets index.html
 * so the app's router can answer a deep link. Every other path goes on to the API untouched, so unknown
 * API paths keep their JSON 404. Mounted before the API-key check: the page is public, its data is not.
 */
export function webStatic(distDir: string = WEB_DIST_DIR): MiddlewareHandler {
  const index = join(distDir, 'index.html')
  const files = serveStatic({
    root: distDir,
    rewriteRequestPath: (p) => p.slice(WEB_BASE.length) || '/',
    onFound: (_path, c) => { c.header('Cache-Control', isAsset(c.req.path) ? HASHED : 'no-cache') },
  })
  const page = async (c: Context) => {
    if (!existsSync(index)) {
      throw new AppError('NOT_FOUND', `the web debugger is not built (${index} is missing): run \`npm run build:web\``)
    }
    c.header('Cache-Control', 'no-cache')
    return c.html(c.req.method === 'HEAD' ? '' : await readFile(index, 'utf8'))
  }
  return async function webStatic(c, next) {
    const { method, path } = c.req
    if (method !== 'GET' && method !== 'HEAD') return next()
    if (path === '/' || path === WEB_BASE) return c.redirect(`${WEB_BASE}/`, 302)
    if (!path.startsWith(`${WEB_BASE}/`)) return next()
    // the index itself goes through page(): one place sets its headers
    if (path === `${WEB_BASE}/` || path === `${WEB_BASE}/index.html`) return page(c)
    const served = await files(c, async () => undefined)
    if (served) return served
    // a missing hashed file is an old page asking for an asset a rebuild replaced: a 404, not the page
    if (isAsset(path)) throw new AppError('NOT_FOUND', `no web asset ${path}`)
    return page(c)
  }
}
