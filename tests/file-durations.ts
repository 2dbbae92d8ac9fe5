// Writes tests/file-durations.json (seconds per test file, rounded to 0.1, longest first) from a vitest JSON report:
//   npx vitest run --reporter=json --outputFile.json=/tmp/report.json && npx tsx tests/file-durations.ts /tmp/report.json
import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const report = JSON.parse(readFileSync(process.argv[2] ?? '/tmp/report.json', 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] }
const rows = report.testResults
  .map((r): [string, number] => [relative(root, r.name), Math.round((r.endTime - r.startTime) / 100) / 10])
  .sort((a, b) => b[1] - a[1])
writeFileSync(new URL('./file-durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`)
console.log(`${rows.length} files, ${rows.reduce((s, [, d]) => s + d, 0).toFixed(0)} s in all`)
