import type { Clock } from '../../clock.ts'
import type { Config } from '../../config.ts'
import type { Db } from '../../store/database.ts'

/** What every service is built from: the store, the parsed configuration and the clock. */
export interface ServiceDeps {
  db: Db
  config: Config
  clock: Clock
  /**
   * Every address of a host name, for fetching client ID metadata documents (issue 18); the system's
   * resolver unless a test names its own.
   */
  resolveHost?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>
}
