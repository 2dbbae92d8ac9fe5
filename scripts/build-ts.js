// Compiles the program's TypeScript (cli, server, runtime, graphs, agents, rag, store) to JavaScript in dist/,
// one .js and one .js.map per source file, so the bin starts without transpiling anything.
// esbuild transpiles file by file (no bundling, no type check: `npm run typecheck` does that); ~0.6 s for the tree.
//   node scripts/build-ts.js           build once
//   node scripts/build-ts.js --watch   rebuild on every change (the in-repo dev loop)
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { context } from 'esbuild'

const ROOT = join(import.meta.dirname, '..')
const FOLDERS = ['cli', 'server', 'runtime', 'graphs', 'agents', 'rag', 'store']
const OUT = join(ROOT, 'dist')

const sources = () => FOLDERS.flatMap((d) =>
  readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(d, f)))

const options = () => ({
  absWorkingDir: ROOT,
  entryPoints: sources(),
  outdir: OUT,
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // stack traces name the source files; the maps carry them relative to dist/
  sourcesContent: false,
  logLevel: 'warning',
})

/** Outputs whose source is gone (a file renamed or deleted): removed, so nothing can import them. */
function pruneStale() {
  if (!existsSync(OUT)) return
  for (const f of readdirSync(OUT, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*)\.js(\.map)?$/.exec(f)
    if (m && !existsSync(join(ROOT, `${m[1]}.ts`))) rmSync(join(OUT, f))
  }
}

const watch = process.argv.includes('--watch')
const t0 = performance.now()
// built in place (not emptied first), so a CLI started by a test or a shell meanwhile keeps its modules
const ctx = await context(options())
const result = await ctx.rebuild()
if (result.errors.length > 0) process.exit(1)
pruneStale()
if (!watch) {
  await ctx.dispose()
  console.log(`build:ts: ${options().entryPoints.length} files to dist/ in ${Math.round(performance.now() - t0)} ms`)
} else {
  await ctx.watch()
  console.log('build:ts: watching cli, server, runtime, graphs, agents, rag, store (new files need a restart)')
}
