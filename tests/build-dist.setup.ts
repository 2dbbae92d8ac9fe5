import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
// the folders scripts/build-ts.js compiles
const FOLDERS = ['cli', 'server', 'runtime', 'graphs', 'agents', 'rag', 'store']

/** True when every source has its dist/ output, none older than the source, and dist/ has no output without one. */
function distFresh(): boolean {
  const sources = FOLDERS.flatMap((d) => readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(d, f)))
  for (const src of sources) {
    const out = join(ROOT, 'dist', src.replace(/\.ts$/, '.js'))
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(ROOT, src)).mtimeMs) return false
  }
  const outputs = existsSync(join(ROOT, 'dist')) ? readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')) : []
  return outputs.length === sources.length
}

/**
 * Vitest global setup: compiles the sources to dist/ before any test runs, so the tests that spawn the
 * CLI (`cli/bin.js` runs dist/) never exercise a stale build, also under `npx vitest run one.test.ts`.
 * Skipped when dist/ is already up to date (after `npm ci`'s prepare, or the previous run): esbuild takes
 * under a second for the tree on a quiet machine, 5–8 s at load 15.
 */
export function setup() {
  if (distFresh()) return
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-ts.js')], { stdio: ['ignore', 'ignore', 'inherit'] })
}
