// Writes tests/file-durations.json (seconds per test file, rounded to 0.1, longest first) from vitest's results
// cache, which every run updates with each file's duration as the reporter prints it (hooks included). After a
// full run on the reference machine: `npx tsx tests/file-durations.ts` (or pass another results.json).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const cacheDir = new URL('../node_modules/.vite/vitest/', import.meta.url).pathname
const file = process.argv[2] ?? join(cacheDir, readdirSync(cacheDir)[0]!, 'results.json')
const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: [string, { duration: number }][] }
const rows = results
  .map(([key, r]): [string, number] => [key.replace(/^[^:]*:/, ''), Math.round(r.duration / 100) / 10])
  .sort((a, b) => b[1] - a[1])
writeFileSync(new URL('./file-durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`)
console.log(`${rows.length} files, ${rows.reduce((s, [, d]) => s + d, 0).toFixed(0)} s in all`)
