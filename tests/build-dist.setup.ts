import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

/**
 * Vitest global setup: compiles the sources to dist/ before any test runs, so the tests that spawn the
 * CLI (`cli/bin.js` runs dist/) never exercise a stale build, also under `npx vitest run one.test.ts`.
 * esbuild takes well under a second for the whole tree.
 */
export function setup() {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../scripts/build-ts.js')], { stdio: ['ignore', 'ignore', 'inherit'] })
}
