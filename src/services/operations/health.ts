/** @module Liveness and readiness facts for /readyz and the metrics: cheap, one query each. */
import { isMigrated } from '../../store/health.ts'
import { countActiveSessions } from '../../store/repositories/stats.ts'
import type { ServiceDeps } from '../shared/deps.ts'

export type Readiness = { ready: true } | { ready: false; reason: string }

export function createHealthService({ db, clock }: ServiceDeps) {
  return {
    /** Ready when the database answers and carries this build's newest migration. */
    async readiness(): Promise<Readiness> {
      try {
        return (await isMigrated(db))
          ? { ready: true }
          : { ready: false, reason: 'database schema is not at the latest migration' }
      } catch {
        return { ready: false, reason: 'database is unreachable' }
      }
    },

    activeSessions(): Promise<number> {
      return countActiveSessions(db, clock.now())
    },
  }
}
export type HealthService = ReturnType<typeof createHealthService>
