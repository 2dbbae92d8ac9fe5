import { resolve } from 'node:path'
import type Database from 'better-sqlite3'
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely'
import { withStatementCache } from './statement-cache.js'

/** Writes that may share a commit with others: plain DML (DDL, pragmas, vacuum, begin/commit run alone). */
const BATCHABLE = /^\s*(insert|update|delete|replace|with)\b/i

export interface GatedSqliteOptions {
  /**
   * Group commit (default true): writes issued outside a transaction during one turn of the event loop
   * share one commit, made before the next turn; each write's promise resolves once its commit is done,
   * so "awaited" still means "durable". With 50 runs in flight, one commit serves dozens of statements.
   */
  groupCommit?: boolean
  /** Prepared statements kept, by SQL text (default 512). */
  statements?: number
}

interface Pending { resolve: () => void; reject: (e: unknown) => void }

/**
 * Connections of this process with a group open, by database file. A group holds SQLite's write lock
 * until the end of the turn; another connection of the same process writing the same file meanwhile
 * would wait for it inside SQLite's busy handler, which blocks the very thread that is to commit it (a
 * 5 s stall, then SQLITE_BUSY). So a connection about to write first commits the groups of its siblings.
 */
const openGroups = new Map<string, Set<SharedConnection>>()

/**
 * The one better-sqlite3 connection, shared by every borrower kysely hands out: a transaction at a
 * time owns it (statements of others wait for its end, a statement run meanwhile would join it), and
 * outside transactions writes are grouped into one commit per turn of the event loop.
 */
class SharedConnection {
  readonly #raw: Database.Database
  readonly #prepare: (sql: string) => Database.Statement
  readonly #group: boolean
  /** The database file, for finding sibling connections (undefined in memory: no siblings). */
  readonly #file: string | undefined
  #owner: object | undefined
  #waiters: (() => void)[] = []
  /** Writes run inside the open group transaction, settled when it commits. */
  #batch: Pending[] | undefined

  constructor(raw: Database.Database, opts: GatedSqliteOptions) {
    this.#raw = raw
    const cache = withStatementCache(raw, opts.statements)
    this.#prepare = (sql) => cache.prepare(sql) as unknown as Database.Statement
    this.#group = opts.groupCommit ?? true
    this.#file = raw.memory ? undefined : resolve(raw.name)
  }

  /** Resolves when `who` may run a statement (or, with `own`, when it owns the connection). */
  async enter(who: object, own: boolean): Promise<void> {
    while (this.#owner !== undefined && this.#owner !== who) await new Promise<void>((wake) => this.#waiters.push(wake))
    if (own) {
      this.#owner = who
      this.flush()
      this.#flushSiblings()
    }
  }

  leave(who: object): void {
    if (this.#owner !== who) return
    this.#owner = undefined
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  async execute<R>(who: object, q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#owner !== undefined && this.#owner !== who) await this.enter(who, false)
    const stmt = this.#prepare(q.sql)
    const params = q.parameters as unknown[]
    if (stmt.readonly || this.#owner === who) return this.#run<R>(stmt, params)
    this.#flushSiblings()
    if (!this.#group || !BATCHABLE.test(q.sql)) {
      this.flush()
      return this.#run<R>(stmt, params)
    }
    const batch = this.#open()
    let result: QueryResult<R>
    try {
      result = this.#run<R>(stmt, params)
    } catch (e) {
      // a constraint failure undoes the statement alone; an I/O or full-disk error can undo the group
      if (!this.#raw.inTransaction && this.#batch === batch) for (const p of this.#take() ?? []) p.reject(e)
      throw e
    }
    return new Promise((resolve, reject) => batch.push({ resolve: () => resolve(result), reject }))
  }

  /** Commits the open group now (before a transaction or a statement that must run alone). */
  flush(): void {
    const batch = this.#take()
    if (batch === undefined) return
    try {
      this.#prepare('commit').run()
    } catch (e) {
      if (this.#raw.inTransaction) this.#prepare('rollback').run()
      for (const p of batch) p.reject(e)
      return
    }
    for (const p of batch) p.resolve()
  }

  #open(): Pending[] {
    if (this.#batch !== undefined) return this.#batch
    this.#prepare('begin').run()
    const batch: Pending[] = []
    this.#batch = batch
    if (this.#file !== undefined) {
      const open = openGroups.get(this.#file) ?? openGroups.set(this.#file, new Set()).get(this.#file)!
      open.add(this)
    }
    setImmediate(() => { if (this.#batch === batch) this.flush() })
    return batch
  }

  #flushSiblings(): void {
    const open = this.#file === undefined ? undefined : openGroups.get(this.#file)
    if (open === undefined) return
    for (const other of [...open]) if (other !== this) other.flush()
  }

  /** Closes the open group's books (it is committed or gone): its writes, for settling. */
  #take(): Pending[] | undefined {
    const batch = this.#batch
    this.#batch = undefined
    if (batch !== undefined && this.#file !== undefined) openGroups.get(this.#file)?.delete(this)
    return batch
  }

  #run<R>(stmt: Database.Statement, params: unknown[]): QueryResult<R> {
    if (stmt.reader) return { rows: stmt.all(params) as R[] }
    const { changes, lastInsertRowid } = stmt.run(params)
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) }
  }

  close(): void {
    this.flush()
    this.#raw.close()
  }
}

/** One borrower of the shared connection: kysely acquires one per query or transaction. */
class Borrowed implements DatabaseConnection {
  constructor(readonly shared: SharedConnection) {}

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.shared.execute<R>(this, q)
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // read eagerly: an open iterator would block every other statement on the connection
    const { rows } = await this.shared.execute<R>(this, q)
    for (const row of rows) yield { rows: [row] }
  }
}

/**
 * kysely's better-sqlite3 driver without its connection mutex, plus group commit. better-sqlite3 runs
 * each statement synchronously, so statements cannot interleave; what needs excluding is only a
 * statement landing inside someone else's open transaction. kysely's mutex serialises every query
 * instead and wakes every waiter on each release: with 50 runs in flight that cost more than SQLite's
 * own work (a one-node graph on our saver, in-process at 50 concurrent: 505 → 810 runs/s).
 */
class GatedSqliteDriver implements Driver {
  readonly #shared: SharedConnection
  constructor(raw: Database.Database, opts: GatedSqliteOptions) {
    this.#shared = new SharedConnection(raw, opts)
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new Borrowed(this.#shared)
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await this.#shared.enter(conn, true)
    try {
      await conn.executeQuery(CompiledQuery.raw('begin'))
    } catch (e) {
      this.#shared.leave(conn)
      throw e
    }
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await this.#end(conn, 'commit')
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await this.#end(conn, 'rollback')
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    // a transaction whose commit or rollback threw must not keep the connection
    this.#shared.leave(conn)
  }

  async destroy(): Promise<void> {
    this.#shared.close()
  }

  async #end(conn: DatabaseConnection, verb: 'commit' | 'rollback'): Promise<void> {
    try {
      await conn.executeQuery(CompiledQuery.raw(verb))
    } finally {
      this.#shared.leave(conn)
    }
  }
}

class ConcurrentSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true
  }
}

/**
 * SQLite over better-sqlite3 for kysely with {@link GatedSqliteDriver} in place of the stock driver.
 * Statements run on the raw better-sqlite3 handle beside it while a group is open join that group
 * (better-sqlite3's `transaction()` becomes a savepoint) and are committed with it.
 */
export class GatedSqliteDialect extends SqliteDialect {
  readonly #raw: Database.Database
  readonly #opts: GatedSqliteOptions
  constructor(raw: Database.Database, opts: GatedSqliteOptions = {}) {
    super({ database: raw })
    this.#raw = raw
    this.#opts = opts
  }

  override createDriver(): Driver {
    return new GatedSqliteDriver(this.#raw, this.#opts)
  }

  override createAdapter(): SqliteAdapter {
    return new ConcurrentSqliteAdapter()
  }
}
