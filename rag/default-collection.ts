/** The collection used when none is named (its own module: the CLI shows it in `--help` without loading the RAG code). */
export const DEFAULT_COLLECTION = 'default'
