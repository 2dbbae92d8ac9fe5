/** Where the database lives when neither `--db` nor SWITCHYARD_DB says (a module of its own: the CLI reads it without loading SQLite). */
export const DEFAULT_DB_PATH = '.switchyard/switchyard.db'
