import { readdir, realpath, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { AppError } from '../store/app-error.js'

/** The file kinds ingestion reads, by lower-case extension. */
export const INGEST_EXTENSIONS = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
} as const

/** What a file holds, which decides how its text is extracted (stored as metadata `file_type`). */
export type FileType = (typeof INGEST_EXTENSIONS)[keyof typeof INGEST_EXTENSIONS]

/** A file to ingest. */
export interface SourceFile {
  /** Absolute path. */
  path: string
  type: FileType
}

/** A path (or one line of a JSON Lines file, or one record of a JSON array) left out of an ingest, and why. */
export interface SkippedPath {
  path: string
  /** 1-based line of a `.jsonl` file, or 0-based index in a `.json` array, when one record was bad. */
  line?: number
  reason: string
}

/** What {@link collectFiles} found: files in input order (directory entries sorted by name), plus everything it left out. */
export interface CollectedFiles {
  files: SourceFile[]
  skipped: SkippedPath[]
}

const typeOf = (path: string): FileType | undefined =>
  (INGEST_EXTENSIONS as Record<string, FileType>)[extname(path).toLowerCase()]

const isMissing = (e: unknown) =>
  e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR')

const GLOB_CHARS = /[*?[{]/

/**
 * A glob as a RegExp over `/`-separated relative paths: `*` and `?` stay within a segment, `**` spans
 * segments (zero or more), `[abc]`/`[!a-z]` classes, `{a,b}` alternatives (not nested).
 * Node 20 has no stable `fs.glob` (experimental, with a warning) and we add no dependency for this.
 */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!
    if (ch === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/'
      i += 1
      if (atStart && glob[i + 1] === '/') { re += '(?:[^/]*/)*'; i += 1 } else re += '.*'
    } else if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) { re += '\\['; continue }
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')
      re += `[${body}]`
      i = end
    } else if (ch === '{') {
      const end = glob.indexOf('}', i)
      if (end < 0) { re += '\\{'; continue }
      re += `(?:${glob.slice(i + 1, end).split(',').map((a) => globToRegExp(a).source.slice(1, -1)).join('|')})`
      i = end
    } else re += ch.replace(/[.+^$()|\\\]}]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** The files and folders a glob names (hidden entries never match), sorted; [] when none. */
async function expandGlob(pattern: string): Promise<string[]> {
  const parts = resolve(pattern).split('/')
  const firstMagic = parts.findIndex((p) => GLOB_CHARS.test(p))
  const base = parts.slice(0, firstMagic).join('/') || '/'
  const matcher = globToRegExp(parts.slice(firstMagic).join('/'))
  const deep = parts.length - firstMagic > 1 || parts.some((p) => p.includes('**'))
  let entries: string[]
  try {
    entries = deep ? await readdir(base, { recursive: true }) : await readdir(base)
  } catch (e) {
    if (isMissing(e)) return []
    throw e
  }
  return entries
    .filter((rel) => !rel.split('/').some((seg) => seg.startsWith('.')) && matcher.test(rel))
    .sort()
    .map((rel) => join(base, rel))
}

/**
 * Expands files, directories (recursively, following symlinks once) and globs (`docs/**\/*.md`,
 * `notes/*.{md,txt}`) into the files to ingest. A literal path that exists is never treated as a glob.
 * Every input must exist or match something: otherwise throws `AppError('NOT_FOUND')` listing all of
 * them, before the caller writes anything. Inside directories, hidden entries (`.git`, `.env`),
 * unsupported extensions and unreadable folders are reported as skipped, never thrown.
 *
 * @example
 * const { files, skipped } = await collectFiles(['examples/corpus', 'README.md', 'docs/**\/*.pdf'])
 */
export async function collectFiles(paths: readonly string[]): Promise<CollectedFiles> {
  const missing: string[] = []
  const roots: { path: string; isDir: boolean; isFile: boolean }[] = []
  for (const p of paths) {
    const path = resolve(p)
    const s = await stat(path).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)))
    if (s) { roots.push({ path, isDir: s.isDirectory(), isFile: s.isFile() }); continue }
    const matches = GLOB_CHARS.test(p) ? await expandGlob(p) : []
    if (matches.length === 0) { missing.push(path); continue }
    for (const m of matches) {
      const ms = await stat(m).catch(() => undefined)
      if (ms) roots.push({ path: m, isDir: ms.isDirectory(), isFile: ms.isFile() })
    }
  }
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `path not found: ${missing.join(', ')}`, { details: { missing } })
  }

  const files = new Map<string, SourceFile>()
  const skipped: SkippedPath[] = []
  const seenDirs = new Set<string>()

  const visit = async (path: string, isDir: boolean, isFile: boolean): Promise<void> => {
    if (isFile) {
      const type = typeOf(path)
      if (type) files.set(path, { path, type })
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

  for (const r of roots) await visit(r.path, r.isDir, r.isFile)
  return { files: [...files.values()], skipped }
}
