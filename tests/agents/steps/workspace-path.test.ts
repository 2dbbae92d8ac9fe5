import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isInside, resolveWorkspacePath, workspaceRoot } from '../../../agents/steps/workspace-path.js'

describe('resolveWorkspacePath', () => {
  let base: string, ws: string, outside: string
  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ws-path-')))
    ws = join(base, 'ws')
    outside = join(base, 'outside')
    mkdirSync(join(ws, 'src'), { recursive: true })
    mkdirSync(outside)
    writeFileSync(join(outside, 'secret.txt'), 'secret')
  })
  afterEach(() => rmSync(base, { recursive: true, force: true }))

  const rejected = (p: string) =>
    expect(resolveWorkspacePath(ws, p)).rejects.toMatchObject({ name: 'AppError', code: 'VALIDATION' })

  it('resolves existing and not yet existing paths inside the workspace', async () => {
    expect(await resolveWorkspacePath(ws, 'src')).toBe(join(ws, 'src'))
    expect(await resolveWorkspacePath(ws, 'out/deep/report.md')).toBe(join(ws, 'out/deep/report.md'))
    expect(await resolveWorkspacePath(ws, 'src/../out/./x.txt')).toBe(join(ws, 'out/x.txt'))
    expect(await resolveWorkspacePath(ws, '.')).toBe(ws)
  })

  it('rejects absolute paths and .. escapes', async () => {
    await rejected('/etc/passwd')
    await rejected(join(ws, 'src'))
    await rejected('../outside/secret.txt')
    await rejected('src/../../outside')
    await rejected('..')
    await rejected('a\0b')
  })

  it('rejects a symlinked folder or file that points out of the workspace', async () => {
    symlinkSync(outside, join(ws, 'escape'))
    symlinkSync(join(outside, 'secret.txt'), join(ws, 'secret-link.txt'))
    await rejected('escape')
    await rejected('escape/secret.txt')
    await rejected('escape/new/file.txt')
    await rejected('secret-link.txt')
    await expect(resolveWorkspacePath(ws, 'escape/x')).rejects.toMatchObject({
      details: { resolved: outside },
    })
  })

  it('rejects a dangling symlink, which a write would follow anywhere', async () => {
    symlinkSync(join(outside, 'not-yet.txt'), join(ws, 'dangling.txt'))
    await rejected('dangling.txt')
  })

  it('accepts symlinks that stay inside the workspace', async () => {
    symlinkSync(join(ws, 'src'), join(ws, 'alias'))
    expect(await resolveWorkspacePath(ws, 'alias/new.ts')).toBe(join(ws, 'src/new.ts'))
  })

  it('works when the workspace itself is reached through a symlink', async () => {
    symlinkSync(ws, join(base, 'ws-link'))
    expect(await resolveWorkspacePath(join(base, 'ws-link'), 'src/a.ts')).toBe(join(ws, 'src/a.ts'))
  })

  it('requires an existing, absolute workspace', async () => {
    await expect(workspaceRoot(join(base, 'missing'))).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(workspaceRoot('relative/ws')).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})

describe('isInside', () => {
  it('compares path segments, not string prefixes', () => {
    expect(isInside('/a/ws', '/a/ws')).toBe(true)
    expect(isInside('/a/ws', '/a/ws/x/y')).toBe(true)
    expect(isInside('/a/ws', '/a/ws-other/x')).toBe(false)
    expect(isInside('/a/ws', '/a/ws/..x')).toBe(true)
    expect(isInside('/a/ws', '/a')).toBe(false)
  })
})
