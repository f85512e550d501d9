import type { Clock } from '../../clock.ts'
import type { Config } from '../../config.ts'
import type { Db } from '../../store/database.ts'

/** What every service is built from: the store, the parsed configuration and the clock. */
export interface ServiceDeps {
  db: Db
  config: Config
  clock: Clock
}
