import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of Switchyard's own package.json, found by walking up from this module: `store/` in the
 * sources (run through tsx or vitest), `dist/store/` once compiled. Paths of files that ship beside the
 * code (package.json, web/dist) are resolved from here, never from `import.meta.url` by a fixed `../`.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'switchyard') return dir
    if (dirname(dir) === dir) return join(from, '..')
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
