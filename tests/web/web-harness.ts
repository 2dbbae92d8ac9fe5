import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT, spawnServe, stopChild, tempDb } from '../cli/cli-harness.js'

// Debian's chromium (apt-get install chromium); .ci/run installs it, and CI must not skip the browser tests
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium'
/** Whether the browser tests run: chromium is there, or this is CI (where its absence must fail, not skip). */
export const browserRunnable = existsSync(CHROMIUM) || process.env.CI !== undefined

export const ARTIFACTS = join(ROOT, '.artifacts/web')
const DIST_INDEX = join(ROOT, 'web/dist/index.html')

const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
  const p = join(dir, e.name)
  return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
}, 0)

/**
 * Builds web/dist when it is missing or older than web/src (`npm ci` builds it in CI; a developer's
 * edit would otherwise be tested against a stale page). Test files running in parallel build once.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(ROOT, 'web/.build-lock')
  const stale = () => !existsSync(DIST_INDEX) || statSync(DIST_INDEX).mtimeMs < Math.max(newest(join(ROOT, 'web/src')), statSync(join(ROOT, 'web/index.html')).mtimeMs)
  if (!stale()) return
  for (const end = Date.now() + 120_000; ;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (Date.now() > end) throw new Error(`${lock} held for 2 minutes: remove it if no build is running`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    if (!stale()) return
    const r = spawnSync('npm', ['run', 'build:web'], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}\n${r.stderr}`)
  } finally {
    rmdirSync(lock)
  }
}

export interface WebServer {
  /** The server's origin (the API, and the page at `${url}/ui/`). */
  url: string
  db: string
  /** The official SDK client on the same server, to set up and check what the page shows. */
  client: Client
  /** Stops the server (the page stays open, its API gone). */
  down(): Promise<void>
  /** Starts it again on the same port and database. */
  up(): Promise<void>
  close(): Promise<void>
}

/** A real `switchyard serve` child process on a temp database and port 0, serving the built page. */
export async function startWebServer(opts: { env?: Record<string, string>; args?: string[]; serveArgs?: string[] } = {}): Promise<WebServer> {
  await ensureWebBuilt()
  const tmp = tempDb()
  const spawnOn = (port: number) => spawnServe(['--db', tmp.db, ...(opts.args ?? [])], { SWITCHYARD_MODEL: 'offline', ...opts.env }, [...(opts.serveArgs ?? []), '--port', String(port)])
  let served = spawnOn(0)
  const url = await served.url
  const port = Number(new URL(url).port)
  let running = true
  const apiKey = opts.env?.SWITCHYARD_API_KEYS?.split(',')[0]?.split('=')[0] ?? null
  return {
    url, db: tmp.db,
    client: new Client({ apiUrl: url, apiKey, callerOptions: { maxRetries: 0 } }),
    down: async () => {
      running = false
      await stopChild(served.child)
    },
    up: async () => {
      served = spawnOn(port)
      await served.url
      running = true
    },
    close: async () => {
      if (running) await stopChild(served.child)
      tmp.cleanup()
    },
  }
}

export const launchBrowser = (): Promise<Browser> => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run'],
})

export interface OpenedPage {
  page: Page
  /** Uncaught exceptions in the page. */
  errors: string[]
  /** console.error lines (the browser logs failed requests here too). */
  consoleErrors: string[]
  /** Requests to anything but the server's origin. */
  offsite: string[]
}

/**
 * Opens `url` in a new page that records uncaught errors, console errors, and any request that leaves
 * the server's origin (the page must fetch nothing from the internet).
 */
export async function openPage(browser: Browser, url: string, opts: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ colorScheme: opts.colorScheme ?? 'light', viewport: opts.viewport ?? { width: 1280, height: 800 } })
  const errors: string[] = []
  const consoleErrors: string[] = []
  const offsite: string[] = []
  const origin = new URL(url).origin
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offsite.push(r.url()) })
  await page.goto(url)
  return { page, errors, consoleErrors, offsite }
}

/** Writes a screenshot of the page to .artifacts/web/<name>.png (gitignored test artifacts). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  writeFileSync(path, await page.screenshot({ fullPage: false }))
  return path
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's serious and critical violations on the page as it is now (rule id: the nodes' targets); nothing left out. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE })
  return page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } })
      .axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
  })
}
