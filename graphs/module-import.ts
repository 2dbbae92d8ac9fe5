import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { AppError } from '../store/app-error.js'

let tsxReady: Promise<void> | undefined

/**
 * Registers tsx's ESM *and* CommonJS hooks once, as the official dev server's `tsx` loader does: a `.ts`
 * file in a folder whose package.json is not `"type": "module"` is CommonJS to Node, and with only the ESM
 * hook Node fails on it with "Cannot require() ES Module … in a cycle". Registering twice is harmless.
 */
export function ensureTypeScriptLoader(): Promise<void> {
  tsxReady ??= (async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')])
    esm.register()
    cjs.register()
  })()
  return tsxReady
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/**
 * The named export of a module namespace. A CommonJS module loaded after start-up shows only `default`
 * (its `module.exports`) to `import()`, where the official server, started with tsx's loader, also sees the
 * names: look them up there too. `export default x` compiled to CommonJS is `module.exports.default`.
 */
function exportOf(mod: Record<string, unknown>, name: string): unknown {
  if (mod[name] !== undefined && !(name === 'default' && isObject(mod.default) && mod.default.__esModule === true)) return mod[name]
  const cjs = mod.default
  return isObject(cjs) ? cjs[name] : undefined
}

const exportNames = (mod: Record<string, unknown>) => {
  const own = Object.keys(mod).filter((k) => mod[k] !== undefined && k !== 'default')
  const cjs = isObject(mod.default) ? Object.keys(mod.default).filter((k) => k !== '__esModule') : []
  return [...new Set([...own, ...cjs, ...(mod.default !== undefined && cjs.length === 0 ? ['default'] : [])])]
}

/**
 * Imports `export` of a user's module named as the official CLI names it (`./path.ts:export`, the
 * export defaulting to `default`), the path relative to `baseDir`. TypeScript loads through tsx.
 * Throws NOT_FOUND for a missing file, VALIDATION (naming `where` and the file) for a failed import
 * or a missing export.
 *
 * @example
 * const app = await importExport('./src/app.ts:app', '/project', 'http.app')
 */
export async function importExport(spec: string, baseDir: string, where: string): Promise<unknown> {
  const cut = spec.lastIndexOf(':')
  // "C:\\…" style drive letters never reach here (POSIX paths); a spec without ':' means the default export
  const file = resolve(baseDir, cut > 0 ? spec.slice(0, cut) : spec)
  const name = (cut > 0 ? spec.slice(cut + 1).trim() : '') || 'default'
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new AppError('NOT_FOUND', `${where}: file ${file} not found`)
  await ensureTypeScriptLoader()
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(file).href) as Record<string, unknown>
  } catch (cause) {
    const why = (cause as Error).message ?? String(cause)
    throw new AppError('VALIDATION', `${where}: importing ${file} failed: ${why}`, { cause })
  }
  const value = exportOf(mod, name)
  if (value === undefined) {
    throw new AppError('VALIDATION', `${where}: ${file} has no export "${name}" (exports: ${exportNames(mod).join(', ') || 'none'})`)
  }
  return value
}
