import { existsSync } from 'node:fs'
import { openRuntime, type Runtime } from '../server/runtime.js'
import { DEFAULT_DB_PATH } from '../store/db.js'
import { AppError } from '../store/app-error.js'

export interface GlobalOpts { db?: string }

export const dbPathOf = (o: GlobalOpts) => o.db ?? process.env.SWITCHYARD_DB ?? DEFAULT_DB_PATH

/**
 * Opens the runtime for one command and closes it after. Commands that read an existing thread pass
 * `mustExist`, so a mistyped --db reports the thread as unknown instead of creating an empty database.
 */
export async function withRuntime<T>(o: GlobalOpts, fn: (rt: Runtime) => Promise<T>, mustExist = false): Promise<T> {
  const dbPath = dbPathOf(o)
  if (mustExist && dbPath !== ':memory:' && !existsSync(dbPath)) throw new AppError('NOT_FOUND', `no database at ${dbPath} (use --db or SWITCHYARD_DB)`)
  const rt = await openRuntime({ dbPath })
  try {
    return await fn(rt)
  } finally {
    await rt.close()
  }
}
