import { existsSync } from 'node:fs'
import type { LoadedGraphs } from '../graphs/graph-loader.js'
import type { Runtime } from '../runtime/runtime.js'
import { DEFAULT_DB_PATH } from '../store/db-path.js'
import { AppError } from '../store/app-error.js'
import { databaseTarget, isPostgresUrl } from '../store/dialect.js'

// The graphs, the runtime and the store are imported when a command first needs them, not when the
// CLI starts: `switchyard --help` loads commander and the command definitions, nothing else.

export interface GlobalOpts { db?: string; databaseUrl?: string; workflows?: string; config?: string; builtins?: boolean }

/**
 * The store a command opens, as `openStore` takes it: `--database-url` / DATABASE_URL when it is a
 * Postgres URL, else the SQLite file of `--db` / SWITCHYARD_DB / the default (store/dialect.ts).
 */
export function dbPathOf(o: GlobalOpts): string {
  const t = databaseTarget({ databaseUrl: o.databaseUrl, dbPath: o.db, env: process.env, fallbackPath: DEFAULT_DB_PATH })
  return t.dialect === 'postgres' ? t.url : t.path
}

/**
 * The graphs a command can run: the built-ins and the YAML workflows of `--workflows` / SWITCHYARD_WORKFLOWS
 * (default `workflows/` when it exists); with `--config`, the langgraph.json's graphs instead (and beside
 * them with `--builtins`). Every command reads the same flags, so `run`, `history` or `graphs` see what
 * `serve --config` serves. Skipped workflow files and notices are reported on stderr; the rest load.
 */
export async function graphsOf(o: GlobalOpts): Promise<LoadedGraphs> {
  const [{ loadGraphs }, { formatFinding }] = await Promise.all([import('../graphs/graph-loader.js'), import('../graphs/workflow/finding.js')])
  const loaded = await loadGraphs({ configPath: o.config, builtins: o.builtins, workflowsDir: o.workflows ?? process.env.SWITCHYARD_WORKFLOWS })
  for (const n of loaded.notices) process.stderr.write(`switchyard: ${n}\n`)
  for (const f of loaded.failures) {
    process.stderr.write(`switchyard: skipped workflow ${f.file}\n${f.findings.map((x) => `  ${formatFinding(x)}\n`).join('')}`)
  }
  return loaded
}

/**
 * Opens the runtime for one command and closes it after. Commands that read an existing thread pass
 * `mustExist`, so a mistyped --db reports the thread as unknown instead of creating an empty database.
 */
export async function withRuntime<T>(o: GlobalOpts, fn: (rt: Runtime) => Promise<T>, mustExist = false, graphs?: LoadedGraphs): Promise<T> {
  const dbPath = dbPathOf(o)
  if (mustExist && dbPath !== ':memory:' && !isPostgresUrl(dbPath) && !existsSync(dbPath)) throw new AppError('NOT_FOUND', `no database at ${dbPath} (use --db or SWITCHYARD_DB)`)
  const { openRuntime } = await import('../runtime/runtime.js')
  const rt = await openRuntime({ dbPath, registry: graphs ?? await graphsOf(o) })
  try {
    return await fn(rt)
  } finally {
    await rt.close()
  }
}
