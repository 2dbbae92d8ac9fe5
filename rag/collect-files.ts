import { readdir, realpath, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { AppError } from '../store/app-error.js'
import type { ChunkFormat } from './chunk-text.js'

/** The file kinds ingestion reads, by lower-case extension, and how each is chunked. */
export const INGEST_EXTENSIONS = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
} as const satisfies Record<string, ChunkFormat>

/** A file to ingest. */
export interface SourceFile {
  /** Absolute path. */
  path: string
  format: ChunkFormat
}

/** A path left out of an ingest, and why. */
export interface SkippedPath {
  path: string
  reason: string
}

/** What {@link collectFiles} found: files in input order (directory entries sorted by name), plus everything it left out. */
export interface CollectedFiles {
  files: SourceFile[]
  skipped: SkippedPath[]
}

const formatOf = (path: string): ChunkFormat | undefined =>
  (INGEST_EXTENSIONS as Record<string, ChunkFormat>)[extname(path).toLowerCase()]

const isMissing = (e: unknown) =>
  e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR')

/**
 * Expands files and directories (recursively, following symlinks once) into the files to ingest.
 * Every input path must exist: if any is missing, throws `AppError('NOT_FOUND')` listing all of
 * them, before the caller writes anything. Inside directories, hidden entries (`.git`, `.env`),
 * unsupported extensions and unreadable folders are reported as skipped, never thrown.
 *
 * @example
 * const { files, skipped } = await collectFiles(['examples/corpus', 'README.md'])
 */
export async function collectFiles(paths: readonly string[]): Promise<CollectedFiles> {
  const roots = paths.map((p) => resolve(p))
  const stats = await Promise.all(roots.map((p) => stat(p).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)))))
  const missing = roots.filter((_, i) => stats[i] === undefined)
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `path not found: ${missing.join(', ')}`, { details: { missing } })
  }

  const files = new Map<string, SourceFile>()
  const skipped: SkippedPath[] = []
  const seenDirs = new Set<string>()

  const visit = async (path: string, isDir: boolean, isFile: boolean): Promise<void> => {
    if (isFile) {
      const format = formatOf(path)
      if (format) files.set(path, { path, format })
      else skipped.push({ path, reason: `unsupported file type '${extname(path) || '(none)'}'` })
      return
    }
    if (!isDir) {
      skipped.push({ path, reason: 'not a regular file or directory' })
      return
    }
    // a symlink back up the tree would otherwise recurse forever
    const real = await realpath(path)
    if (seenDirs.has(real)) return
    seenDirs.add(real)
    let entries
    try {
      entries = await readdir(path, { withFileTypes: true })
    } catch (e) {
      skipped.push({ path, reason: `unreadable directory: ${e instanceof Error ? e.message : String(e)}` })
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const child = join(path, entry.name)
      if (entry.name.startsWith('.')) {
        skipped.push({ path: child, reason: 'hidden' })
        continue
      }
      if (entry.isSymbolicLink()) {
        const target = await stat(child).catch(() => undefined)
        if (!target) skipped.push({ path: child, reason: 'broken symlink' })
        else await visit(child, target.isDirectory(), target.isFile())
        continue
      }
      await visit(child, entry.isDirectory(), entry.isFile())
    }
  }

  for (const [i, root] of roots.entries()) {
    const s = stats[i]
    if (s) await visit(root, s.isDirectory(), s.isFile())
  }
  return { files: [...files.values()], skipped }
}
