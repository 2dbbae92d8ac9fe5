#!/usr/bin/env node
// The package bin. It runs the compiled program in dist/, which `npm install` / `npm ci` build (the
// `prepare` script; `npm run build:ts` by hand, `npm run build:ts -- --watch` while editing).
// Without dist/ — or with SWITCHYARD_FROM_SOURCE=1 — it runs the TypeScript sources through tsx instead,
// says so on stderr, and starts seconds slower.
import { existsSync } from 'node:fs'

// stack traces (SWITCHYARD_DEBUG, the server's logs) name the .ts files and lines, through dist/'s source maps
process.setSourceMapsEnabled(true)
const compiled = new URL('../dist/cli/main.js', import.meta.url)
const fromSource = process.env.SWITCHYARD_FROM_SOURCE === '1' || !existsSync(compiled)
if (fromSource) {
  if (process.env.SWITCHYARD_FROM_SOURCE !== '1') process.stderr.write('switchyard: dist/ is not built (npm run build:ts); running the TypeScript sources through tsx\n')
  const { register } = await import('tsx/esm/api')
  register()
}
const { main } = await import(fromSource ? './main.ts' : compiled.href)
process.exitCode = await main(process.argv)
