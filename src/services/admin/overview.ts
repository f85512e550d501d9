/**
 * @module
 * Issue 17: the admin console's overview: how many applications, users, groups and working tokens there
 * are, and sign-ins, tokens issued and failures per UTC day over the last N days (N ≤ 90). For those who
 * see everything (admin, admin:read); a viewer is refused.
 */
import { storeCounts, type StoreCounts } from '../../store/repositories/activity.ts'
import type { ActivityDay, ActivityService } from '../shared/activity.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Forbidden, Invalid } from '../shared/errors.ts'
import { seesAll, type Actor } from './access.ts'

export const MAX_OVERVIEW_DAYS = 90

export interface Overview extends StoreCounts {
  days: ActivityDay[]
}

export async function adminOverview(
  { db, clock, activity }: Pick<ServiceDeps, 'db' | 'clock'> & { activity: Pick<ActivityService, 'series'> },
  actor: Actor,
  days: number,
): Promise<Overview> {
  if (!seesAll(actor)) throw new Forbidden('the overview is for administrators (admin or admin:read)')
  if (!Number.isInteger(days) || days < 1 || days > MAX_OVERVIEW_DAYS)
    throw new Invalid(`days must be a whole number from 1 to ${MAX_OVERVIEW_DAYS}`, 'days')
  return { ...(await storeCounts(db, clock.now())), days: await activity.series(days) }
}

export function createAdminOverviewService(deps: ServiceDeps, activity: ActivityService) {
  return { get: (actor: Actor, days: number) => adminOverview({ ...deps, activity }, actor, days) }
}
