/**
 * @module
 * Group commit: the token writes of concurrent requests share one SQLite transaction. On SQLite a
 * commit, not the statements, is the expensive part of issuing a token: every commit appends each
 * page it dirtied (the table and its indexes, at random token hashes) to the WAL, and the single
 * connection serialises the commits. Sharing one commit among the requests that arrived in the same
 * turn of the event loop amortises it (measured in bench/README.md).
 *
 * Each caller still sees its own all-or-nothing unit: units run one after another in the shared
 * transaction, exactly as they would serially, and a caller's promise settles only after the COMMIT
 * (a token is durable before it is returned). If any unit throws, the shared transaction is rolled
 * back and every unit of that batch is run again alone, in its own transaction, so only the unit
 * that fails again sees the error. Units must therefore touch nothing but the transaction they are
 * given (no other queries, no side effects that a rerun would repeat).
 *
 * When the database itself cannot be used (locked by another process, full, read-only:
 * store/faults.ts), every unit of the batch gets that error at once: running them again one by one
 * would only make each wait out the same busy timeout in turn.
 *
 * PostgreSQL already overlaps commits across its pool of connections; there each unit simply runs
 * in its own transaction.
 */
import { SqliteAdapter } from 'kysely'
import type { Db } from './database.ts'
import { storageUnavailable } from './faults.ts'

export type Unit<T> = (trx: Db) => Promise<T>

export interface GroupCommit {
  /** Runs `unit` in a transaction, possibly shared with others; resolves after the commit. */
  run<T>(unit: Unit<T>): Promise<T>
}

interface Pending {
  unit: Unit<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

/** A batch never grows past this many units, which bounds the wait of the first one. */
export const MAX_BATCH = 64

export function createGroupCommit(db: Db, maxBatch = MAX_BATCH): GroupCommit {
  const alone = <T>(unit: Unit<T>): Promise<T> => db.transaction().execute(unit)
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return { run: alone }

  const queue: Pending[] = []
  let scheduled = false

  function schedule(): void {
    if (scheduled) return
    scheduled = true
    // setImmediate, not a microtask: requests that arrived in the same poll reach this queue first.
    setImmediate(flush)
  }

  async function flush(): Promise<void> {
    const batch = queue.splice(0, maxBatch)
    try {
      await runBatch(batch)
    } finally {
      scheduled = false
      if (queue.length) schedule()
    }
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!)
    let results: unknown[]
    try {
      results = await alone(async (trx) => {
        const out: unknown[] = []
        for (const pending of batch) out.push(await pending.unit(trx))
        return out
      })
    } catch (error) {
      if (storageUnavailable(error)) {
        for (const pending of batch) pending.reject(error)
        return
      }
      // Rolled back as a whole: rerun each unit alone so one failure cannot fail its neighbours.
      for (const pending of batch) await settle(pending)
      return
    }
    for (const [i, pending] of batch.entries()) pending.resolve(results[i])
  }

  function settle(pending: Pending): Promise<void> {
    return alone(pending.unit).then(pending.resolve, pending.reject)
  }

  return {
    run<T>(unit: Unit<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ unit, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
  }
}
