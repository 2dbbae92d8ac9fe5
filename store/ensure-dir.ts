import { mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { AppError } from './app-error.js'

/**
 * Creates `dir` and its missing parents, one level at a time. Node's `mkdirSync(…, {recursive: true})` never
 * returns for a path under a filesystem that answers ENOENT to every mkdir (`/proc/nope/x`): it loops. Here a
 * parent that cannot be created ends with a typed error naming it.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = []
  let at = dir
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw new AppError('VALIDATION', `${at} is not a directory`)
      break
    } catch (e) {
      if (e instanceof AppError) throw e
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new AppError('VALIDATION', `cannot use ${at}: ${(e as Error).message}`)
      const up = dirname(at)
      missing.push(at)
      if (up === at) break
      at = up
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw new AppError('VALIDATION', `cannot create the directory ${d}: ${(e as Error).message}`)
    }
  }
}
