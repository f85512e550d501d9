/** @module Liveness and readiness facts for /readyz and the metrics: cheap, one query each. */
import { isMigrated } from '../../store/health.ts'
import { countActiveSessions } from '../../store/repositories/stats.ts'
import type { ServiceDeps } from '../shared/deps.ts'

export type Readiness = { ready: true } | { ready: false; reason: string }

/** Ready when the database answers and carries this build's newest migration. */
export async function readiness({ db }: Pick<ServiceDeps, 'db'>): Promise<Readiness> {
  try {
    return (await isMigrated(db))
      ? { ready: true }
      : { ready: false, reason: 'database schema is not at the latest migration' }
  } catch {
    return { ready: false, reason: 'database is unreachable' }
  }
}

export function activeSessions({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>): Promise<number> {
  return countActiveSessions(db, clock.now())
}

/** The health checks bound to their dependencies (`services.health`). */
export function createHealthService(deps: ServiceDeps) {
  return {
    readiness: () => readiness(deps),
    activeSessions: () => activeSessions(deps),
  }
}
export type HealthService = ReturnType<typeof createHealthService>
