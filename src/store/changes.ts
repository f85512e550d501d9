/**
 * @module
 * The change signal the caches (cache.ts) trust: per table, how many statements of this process may
 * have changed its rows, plus, on SQLite, `PRAGMA data_version` for every other connection's commits.
 *
 * This process's writes are seen where every query Kysely runs passes: the driver's connections
 * (`watchWrites` wraps the dialect). A query arrives there compiled but still carrying its operation
 * tree (builder queries, precompiled ones and raw `sql` alike), so a write is classified by its node
 * (`UpdateQueryNode` and its table), never by its SQL text. Counters move when the change can be
 * seen by others: after a statement outside a transaction, after COMMIT (or ROLLBACK) for the
 * statements of a transaction. A cache that read during a write therefore notices it when it checks
 * the counters again after its read (cache.ts), and a later reader finds them moved.
 *
 * Two counts per table: `altered` (UPDATE, DELETE, upsert: existing rows may change or go) and
 * `added` (plain INSERT). A cache holding only rows it found by key ignores `added`: a new row cannot
 * make a remembered one wrong, so issuing tokens does not empty the token cache. Deleting a user or an
 * application changes rows of other tables through ON DELETE CASCADE / SET NULL, and token writes
 * change `live_token_counts` through triggers: such writes count for those tables too (`CASCADES`,
 * `TRIGGERS`, checked against the schema by test/store/cache.test.ts). Anything not recognised as a
 * read or a write of named tables (raw SQL, DDL, CTEs that write) counts as altering every table.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  OperationNode,
  QueryResult,
  TransactionSettings,
} from 'kysely'
import type { Database, Db } from './database.ts'

export type TableName = keyof Database & string

/** Deleting rows of a table also changes rows of these (ON DELETE CASCADE / SET NULL). */
export const CASCADES: Partial<Record<TableName, readonly TableName[]>> = {
  users: [
    'sessions',
    'applications',
    'grants',
    'authorization_codes',
    'access_tokens',
    'refresh_tokens',
    'device_codes',
    'group_members',
    'one_time_links',
  ],
  groups: ['group_members', 'application_groups'],
  applications: [
    'grants',
    'authorization_codes',
    'access_tokens',
    'refresh_tokens',
    'device_codes',
    'live_token_counts',
    'application_groups',
  ],
}
/** Any write to a table also writes these (triggers). */
export const TRIGGERS: Partial<Record<TableName, readonly TableName[]>> = {
  access_tokens: ['live_token_counts'],
  refresh_tokens: ['live_token_counts'],
}

/** `table` and every table a write to it (a DELETE when `deletes`) changes, transitively. */
export function tablesChangedBy(table: string, deletes: boolean): string[] {
  const out = new Set<string>([table])
  for (const t of out) {
    for (const next of TRIGGERS[t as TableName] ?? []) out.add(next)
    if (deletes) for (const next of CASCADES[t as TableName] ?? []) out.add(next)
  }
  return [...out]
}

/** Monotonic counts of this process's writes to one table (or, for `everything`, to any). */
export interface TableCounter {
  altered: number
  added: number
}

export interface ChangeSignal {
  readonly engine: 'sqlite' | 'postgres'
  /** The counter of `table`; the same object for the signal's lifetime, so a cache can hold it. */
  counter(table: TableName): TableCounter
  /** Moved by writes this signal cannot attribute to tables: they count for every table. */
  readonly everything: TableCounter
  /** SQLite: `PRAGMA data_version`, read afresh (moves with other connections' commits). PostgreSQL: undefined. */
  external(): number | undefined
}

export interface Write {
  tables: string[]
  /** False for a plain INSERT: no existing row changes. */
  alters: boolean
  deletes?: boolean
}

const READ = 'read' as const
const UNKNOWN = 'unknown' as const

/** What a query does to which tables, from its operation tree. */
export function classify(node: OperationNode | undefined): Write | typeof READ | typeof UNKNOWN {
  if (!node) return UNKNOWN
  const q = node as OperationNode & Record<string, any>
  const ctes = (q.with?.expressions ?? []) as { expression: OperationNode }[]
  if (!ctes.every((e) => classify(e.expression) === READ)) return UNKNOWN
  switch (node.kind) {
    case 'SelectQueryNode':
      return READ
    case 'InsertQueryNode': {
      const table = tableName(q.into)
      if (!table) return UNKNOWN
      return { tables: [table], alters: !!(q.replace || q.onDuplicateKey || (q.onConflict && !q.onConflict.doNothing)) }
    }
    case 'UpdateQueryNode': {
      const table = tableName(q.table)
      return table ? { tables: [table], alters: true } : UNKNOWN
    }
    case 'DeleteQueryNode': {
      const tables = (q.from.froms as OperationNode[]).map(tableName)
      return tables.every((t) => t) ? { tables: tables as string[], alters: true, deletes: true } : UNKNOWN
    }
    default:
      return UNKNOWN
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  const n = node as (OperationNode & Record<string, any>) | undefined
  if (n?.kind === 'AliasNode') return tableName(n.node)
  if (n?.kind === 'TableNode') return n.table.identifier.name as string
  return undefined
}

/** A change signal, with the `record` the driver reports writes to. */
export interface WriteRecorder extends ChangeSignal {
  record(write: Write | typeof UNKNOWN): void
}

export function createChangeSignal(
  engine: 'sqlite' | 'postgres',
  external: () => number | undefined = () => undefined,
): WriteRecorder {
  const counters = new Map<string, TableCounter>()
  const everything: TableCounter = { altered: 0, added: 0 }
  const counter = (table: string) => {
    let c = counters.get(table)
    if (!c) {
      c = { altered: 0, added: 0 }
      counters.set(table, c)
    }
    return c
  }
  return {
    engine,
    counter,
    everything,
    external,
    record(write) {
      if (write === UNKNOWN) {
        everything.altered++
        return
      }
      for (const table of write.tables) {
        for (const t of tablesChangedBy(table, !!write.deletes)) {
          const c = counter(t)
          // A plain INSERT alters no existing row of its own table, but its cascades and triggers may.
          if (write.alters || t !== table) c.altered++
          else c.added++
        }
      }
    },
  }
}

const signals = new WeakMap<Db, ChangeSignal>()

/** The database's change signal, or undefined for a Kysely opened elsewhere (then nothing is cached). */
export function changeSignalOf(db: Db): ChangeSignal | undefined {
  return signals.get(db)
}

export function registerChangeSignal(db: Kysely<Database>, signal: ChangeSignal): void {
  signals.set(db, signal)
}

/** `dialect` with every connection reporting its writes to `signal` (see the module comment). */
export function watchWrites(dialect: Dialect, signal: WriteRecorder): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => watchingDriver(dialect.createDriver(), signal),
  }
}

function watchingDriver(driver: Driver, signal: WriteRecorder): Driver {
  const watched = new WeakMap<DatabaseConnection, WatchedConnection>()
  const inner = (c: DatabaseConnection) => (c instanceof WatchedConnection ? c.inner : c)
  const endTransaction = async (c: DatabaseConnection, end: (c: DatabaseConnection) => Promise<void>) => {
    try {
      await end(inner(c))
    } finally {
      if (c instanceof WatchedConnection) c.flush()
    }
  }
  return {
    init: () => driver.init(),
    async acquireConnection() {
      const c = await driver.acquireConnection()
      let w = watched.get(c)
      if (!w) {
        w = new WatchedConnection(c, signal)
        watched.set(c, w)
      }
      return w
    },
    async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
      await driver.beginTransaction(inner(c), settings)
      if (c instanceof WatchedConnection) c.pending = []
    },
    commitTransaction: (c) => endTransaction(c, (i) => driver.commitTransaction(i)),
    rollbackTransaction: (c) => endTransaction(c, (i) => driver.rollbackTransaction(i)),
    ...(driver.savepoint && { savepoint: (c, name, compile) => driver.savepoint!(inner(c), name, compile) }),
    ...(driver.rollbackToSavepoint && {
      rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(inner(c), name, compile),
    }),
    ...(driver.releaseSavepoint && {
      releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(inner(c), name, compile),
    }),
    releaseConnection: (c) => driver.releaseConnection(inner(c)),
    destroy: () => driver.destroy(),
  }
}

class WatchedConnection implements DatabaseConnection {
  /** The writes of the open transaction, counted when it ends; undefined outside a transaction. */
  pending: (Write | typeof UNKNOWN)[] | undefined

  constructor(
    readonly inner: DatabaseConnection,
    private readonly signal: WriteRecorder,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const write = classify(query.query)
    try {
      return await this.inner.executeQuery<R>(query)
    } finally {
      if (write !== READ) this.wrote(write)
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const write = classify(query.query)
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize)
    } finally {
      if (write !== READ) this.wrote(write)
    }
  }

  private wrote(write: Write | typeof UNKNOWN): void {
    if (this.pending) this.pending.push(write)
    else this.signal.record(write)
  }

  flush(): void {
    const pending = this.pending ?? []
    this.pending = undefined
    for (const write of pending) this.signal.record(write)
  }
}
