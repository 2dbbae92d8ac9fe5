import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Starts the longest test files first, so that the suite does not end with one worker alone on a
 * 3-minute file picked up last (the default order on a fresh clone is by file size).
 *
 * A file's weight is its duration in this checkout's last run (vitest's results cache), else its duration
 * in `tests/file-durations.json` (seconds as the reporter prints them, hooks included: a full run of session 7
 * on the project's 2-core machine beside other suites, load 9–22; after a full run, `npx tsx tests/file-durations.ts`
 * rewrites it from the cache); a file in neither (a new one) goes first, as vitest's default does, since it may be
 * long. Ties keep the default order.
 */
export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const table = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8')) as Record<string, number>
    const root = this.ctx.config.root
    const weight = (f: TestSpecification) => {
      const path = relative(root, f.moduleId)
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`)?.duration
      return cached !== undefined ? cached / 1000 : table[path] ?? Number.POSITIVE_INFINITY
    }
    const base = await super.sort(files)
    const w = new Map(base.map((f) => [f, weight(f)]))
    // Infinity − Infinity is NaN: unknown files keep their default order among themselves
    return base.map((f, i) => ({ f, i })).sort((a, b) => (w.get(b.f)! - w.get(a.f)!) || a.i - b.i).map(({ f }) => f)
  }
}
