import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { openDb, type OpenedSqlite } from '../../store/db.js'

/** A migrated SQLite file plus a folder to write corpus files into, removed by `cleanup`. */
export interface TempRag {
  dir: string
  store: OpenedSqlite
  /** Writes `text` at `rel` under the corpus folder (creating folders) and returns the absolute path. */
  write(rel: string, text: string | Buffer): string
  cleanup(): Promise<void>
}

export async function openTempRag(): Promise<TempRag> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rag-'))
  const store = await openDb(join(dir, 'db', 'rag.sqlite'))
  const corpus = join(dir, 'corpus')
  mkdirSync(corpus)
  return {
    dir: corpus,
    store,
    write(rel, text) {
      const path = join(corpus, rel)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, text)
      return path
    },
    async cleanup() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
