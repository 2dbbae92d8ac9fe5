import type { Compilable, CompiledQuery, QueryResult } from 'kysely'

/** What running a compiled query takes: a Kysely instance or a transaction. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>
}

const sameParams = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i])

/**
 * Runs the saver's hot queries without rebuilding and recompiling them on every call, which costs about as much
 * as SQLite's own work for a small insert. The first call of a shape compiles what kysely builds and checks that
 * its parameters are exactly the caller's flat list, same values in the same order; later calls of that shape
 * reuse the SQL with new parameters. A shape whose parameters do not line up is never cached, so a kysely
 * change in parameter order costs speed, not correctness.
 */
export class StatementCache {
  readonly #compiled = new Map<string, CompiledQuery | null>()

  /**
   * @param shape identifies the SQL text: the query and anything that changes it (row count, conflict action)
   * @param params the values kysely would bind, in binding order
   * @param build builds the query from the same values, on the first call of a shape
   */
  async run<R>(db: QueryRunner, shape: string, params: readonly unknown[], build: () => Compilable<R>): Promise<QueryResult<R>> {
    const hit = this.#compiled.get(shape)
    if (hit) return db.executeQuery({ ...hit, parameters: params } as CompiledQuery<R>)
    const compiled = build().compile()
    if (hit === undefined) this.#compiled.set(shape, sameParams(compiled.parameters, params) ? compiled : null)
    return db.executeQuery(compiled)
  }
}
