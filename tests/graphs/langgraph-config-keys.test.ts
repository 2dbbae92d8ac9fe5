import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { applyConfigEnv } from '../../graphs/config-env.js'
import { readLangGraphConfig } from '../../graphs/langgraph-config.js'
import { isAppError } from '../../store/app-error.js'

const dir = mkdtempSync(join(tmpdir(), 'sy-lgkeys-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const GRAPHS = { agent: './src/agent/graph.ts:graph' }
let n = 0
function file(cfg: object): string {
  const f = join(dir, `langgraph-${n++}.json`)
  writeFileSync(f, JSON.stringify(cfg))
  return f
}
async function refusal(cfg: object) {
  const f = file(cfg)
  const e = await readLangGraphConfig(f).then(() => undefined, (err: unknown) => err)
  if (!isAppError(e)) throw new Error(`expected a refusal, got ${String(e)}`)
  expect(e.code).toBe('VALIDATION')
  expect(e.message).not.toContain('\n')
  return e.message.replace(f, 'FILE')
}

describe('langgraph.json keys: honoured, ignored like the official JS server, or refused by name', () => {
  it('accepts the official templates\' shape and the keys the JS dev server ignores', async () => {
    const cfg = await readLangGraphConfig(file({
      node_version: '20', graphs: GRAPHS, env: '.env', dependencies: ['.'], dockerfile_lines: ['RUN true'], description: 'x', $schema: 'https://langgra.ph/schema.json',
      auth: { path: './src/auth.ts:auth', disable_studio_auth: true }, http: { app: './src/app.ts:app', cors: { allow_origins: ['http://a.test'] }, disable_runs: false },
      store: { index: { embed: 'openai:text-embedding-3-small', dims: 1536, fields: ['text'] } }, checkpointer: { ttl: { strategy: 'delete', default_ttl: 60, sweep_interval_minutes: 5 } },
    }))
    expect(cfg).toMatchObject({ env: '.env', dependencies: ['.'], store: { index: { dims: 1536 } } })
    expect(cfg).not.toHaveProperty('dockerfile_lines')
  })

  it.each([
    [{ graphs: GRAPHS, graph: {} }, /^FILE: graph: not a langgraph\.json key Switchyard knows \(it honours graphs, env, .*\)$/],
    [{ graphs: GRAPHS, ui: { agent: './ui.tsx' } }, 'FILE: ui: generative UI components are not served by Switchyard'],
    [{ graphs: GRAPHS, env: ['OPENAI_API_KEY'] }, 'FILE: env: a list of variable names (env storage) is not supported: give a file path or an object'],
    [{ graphs: GRAPHS, env: { PORT: 1 } }, /^FILE: env(\.PORT)?: /],
    [{ graphs: GRAPHS, node_version: '18' }, 'FILE: node_version: must be "20", "22" or "24"'],
    [{ graphs: GRAPHS, node_loader: 'ts-node' }, 'FILE: node_loader: only "tsx" is supported (TypeScript graphs are loaded with tsx)'],
    [{ graphs: GRAPHS, auth: { path: './a.ts', cache: {} } }, 'FILE: auth.cache: not a key Switchyard supports here'],
    [{ graphs: GRAPHS, http: { disable_runs: 'yes' } }, /^FILE: http\.disable_runs: /],
    [{ graphs: GRAPHS, http: { mount_prefix: '/api' } }, 'FILE: http.mount_prefix: not a key Switchyard supports here'],
    [{ graphs: GRAPHS, store: { index: { embed: 'cohere:embed-v4', dims: 1024 } } }, /^FILE: store\.index\.embed: only "openai:<model>" is supported/],
    [{ graphs: GRAPHS, store: { index: { embed: 'openai:m' } } }, /^FILE: store\.index\.dims: /],
    [{ graphs: GRAPHS, store: { ttl: { default_ttl: 5 } } }, 'FILE: store.ttl: not a key Switchyard supports here'],
    [{ graphs: GRAPHS, checkpointer: { ttl: { strategy: 'keep_latest' } } }, 'FILE: checkpointer.ttl.strategy: only "delete" is supported'],
    [{ graphs: GRAPHS, checkpointer: { serde: {} } }, 'FILE: checkpointer.serde: not a key Switchyard supports here'],
    [{ graphs: { g: './x.ts' } }, "FILE: graphs.g: import string must be in the format '<file>:<export>'"],
  ])('refuses %j', async (cfg, want) => {
    const msg = await refusal(cfg)
    if (typeof want === 'string') expect(msg).toBe(want)
    else expect(msg).toMatch(want)
  })
})

describe('langgraph.json env', () => {
  it('reads a dotenv file relative to the config, and a variable the process has wins', async () => {
    writeFileSync(join(dir, '.env'), 'GREETING="hello from .env"\n# a comment\nKEEP=from-file\n')
    const target: NodeJS.ProcessEnv = { KEEP: 'from-shell' }
    const r = await applyConfigEnv('.env', { configFile: 'langgraph.json', baseDir: dir, target })
    expect(target).toEqual({ GREETING: 'hello from .env', KEEP: 'from-shell' })
    expect(r).toEqual({ vars: { GREETING: 'hello from .env', KEEP: 'from-file' }, applied: ['GREETING'] })
  })
  it('takes an object', async () => {
    const target: NodeJS.ProcessEnv = {}
    await applyConfigEnv({ A: '1' }, { configFile: 'langgraph.json', baseDir: dir, target })
    expect(target).toEqual({ A: '1' })
  })
  it('a missing file is a notice, as in the official CLI', async () => {
    const target: NodeJS.ProcessEnv = {}
    const r = await applyConfigEnv('nope.env', { configFile: 'langgraph.json', baseDir: dir, target })
    expect(r.notice).toBe(`env file ${join(dir, 'nope.env')} (langgraph.json "env") not found; continuing without it`)
    expect(target).toEqual({})
  })
})
