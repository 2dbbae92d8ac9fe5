import type Database from 'better-sqlite3'

/** FTS5 tokenizers worth comparing: porter stems English words ("runs" finds "running"), unicode61 does not. */
export const FTS_TOKENIZERS = {
  porter: 'porter unicode61 remove_diacritics 2',
  unicode61: 'unicode61 remove_diacritics 2',
} as const
export type FtsTokenizer = keyof typeof FTS_TOKENIZERS

/**
 * Rebuilds the chunk index with another tokenizer, for measuring the choice on a scratch database
 * (the eval's temp file): the table is recreated from its own CREATE statement with only the
 * tokenize clause changed, and refilled from `rag_chunks`. The triggers name the table, so they
 * keep working. Not for a user's database: the migrations define the tokenizer there.
 */
export function setFtsTokenizer(sqlite: Database.Database, tokenizer: FtsTokenizer): void {
  const row = sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'rag_chunks_fts'").get() as { sql: string } | undefined
  if (row === undefined) throw new Error('rag_chunks_fts does not exist (migrations not applied?)')
  const create = row.sql.replace(/tokenize\s*=\s*'[^']*'/i, `tokenize = '${FTS_TOKENIZERS[tokenizer]}'`)
  sqlite.transaction(() => {
    sqlite.exec('DROP TABLE rag_chunks_fts')
    sqlite.exec(create)
    sqlite.exec(`INSERT INTO rag_chunks_fts (rowid, title, text)
      SELECT c.id, d.title, c.text FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id`)
  })()
}
