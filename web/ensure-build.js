// `npm start` runs this first: builds the web debugger when web/dist is missing (e.g. after `npm install --ignore-scripts`).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

if (!existsSync(new URL('./dist/index.html', import.meta.url))) {
  const r = spawnSync('npm', ['run', 'build:web'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) })
  process.exitCode = r.status ?? 1
}
