import { lstat, realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { AppError } from '../../store/app-error.js'

const reject = (message: string, details: Record<string, unknown>) =>
  new AppError('VALIDATION', message, { details })

/** True when `child` is `root` or lies below it (both absolute and normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code

/** The real path of the workspace itself; `VALIDATION` when it does not exist. */
export async function workspaceRoot(workspace: string): Promise<string> {
  if (!isAbsolute(workspace)) throw reject('workspace must be an absolute path', { workspace })
  try {
    return await realpath(workspace)
  } catch (cause) {
    throw new AppError('VALIDATION', `workspace does not exist: ${workspace}`, { cause, details: { workspace } })
  }
}

/**
 * Resolves `relPath` inside the workspace and returns its absolute path (below the workspace's
 * real path), or throws `VALIDATION` when it would land outside: an absolute path, a `..` that
 * climbs out, or a symlink (the target itself, or its nearest existing parent) whose real path
 * leaves the workspace. A dangling symlink is rejected too, since writing through it would
 * create its target wherever it points. The target need not exist (`template` creates it).
 *
 * Symlinks that stay inside the workspace are fine. The check runs at call time: a process that
 * swaps a directory for a symlink afterwards is outside this threat model (steps run in turn).
 *
 * @example
 * await resolveWorkspacePath('/work/ws', 'out/report.md') // '/work/ws/out/report.md'
 * await resolveWorkspacePath('/work/ws', '../etc/passwd') // throws AppError VALIDATION
 */
export async function resolveWorkspacePath(workspace: string, relPath: string): Promise<string> {
  if (relPath.includes('\0')) throw reject('path contains a NUL byte', { path: relPath })
  if (isAbsolute(relPath)) throw reject(`path must be relative to the workspace: ${relPath}`, { path: relPath })
  const root = await workspaceRoot(workspace)
  const target = resolve(root, relPath)
  if (!isInside(root, target)) throw reject(`path escapes the workspace: ${relPath}`, { path: relPath })

  // walk up to the nearest entry that exists, then compare its real path with the root's
  let existing = target
  const missing: string[] = []
  for (;;) {
    try {
      await lstat(existing)
      break
    } catch (e) {
      if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') throw toInternal(e, relPath)
      missing.unshift(basename(existing))
      existing = dirname(existing)
    }
  }
  let real: string
  try {
    real = await realpath(existing)
  } catch (e) {
    if (errno(e) === 'ENOENT') throw reject(`path goes through a dangling symlink: ${relPath}`, { path: relPath })
    throw toInternal(e, relPath)
  }
  if (!isInside(root, real)) {
    throw reject(`path escapes the workspace through a symlink: ${relPath}`, { path: relPath, resolved: real })
  }
  return missing.length ? join(real, ...missing) : real
}

const toInternal = (cause: unknown, path: string) =>
  new AppError('INTERNAL', `cannot inspect ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
    details: { path },
  })
