import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { AppError } from '../store/app-error.js'

export interface AppliedEnv {
  /** The variables the config gave (file or object), before the process's own took precedence. */
  vars: Record<string, string>
  /** Names set in the process from the config (those the process did not have already). */
  applied: string[]
  /** Said on stderr by the CLI: an env file that does not exist, as the official CLI warns. */
  notice?: string
}

/**
 * Applies a langgraph.json `env` to `target` (default `process.env`) as the official CLI does, before any
 * graph module is imported: a string is a dotenv file relative to the config's folder (a missing file is a
 * notice, not an error), an object gives the variables itself. A variable already set in the process wins
 * (dotenv's `populate` without override), so a shell's `FOO=x switchyard serve` beats the file.
 */
export async function applyConfigEnv(env: string | Record<string, string> | undefined, o: { configFile: string; baseDir: string; target?: NodeJS.ProcessEnv }): Promise<AppliedEnv> {
  const target = o.target ?? process.env
  let vars: Record<string, string> = {}
  let notice: string | undefined
  if (typeof env === 'string') {
    const file = resolve(o.baseDir, env)
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined
      throw new AppError('VALIDATION', `${o.configFile}: env: ${file} cannot be read: ${e.message}`, { cause: e })
    })
    if (text === undefined) notice = `env file ${file} (langgraph.json "env") not found; continuing without it`
    else vars = parseEnv(text) as Record<string, string>
  } else if (env) {
    vars = { ...env }
  }
  const applied: string[] = []
  for (const [k, v] of Object.entries(vars)) {
    if (target[k] !== undefined) continue
    target[k] = v
    applied.push(k)
  }
  return { vars, applied, ...(notice ? { notice } : {}) }
}
