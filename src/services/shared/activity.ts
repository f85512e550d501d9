/**
 * @module
 * Issue 17: what happened per UTC day, for the admin console's overview: sign-ins and their failures
 * (the login page), tokens issued and token requests refused (the token endpoint). Counted by the HTTP
 * server from each request's outcome (http/server.ts), like the Prometheus metrics, but kept in the
 * store (daily_activity) so the series survive restarts and add up across instances.
 */
import { activitySince, bumpActivity } from '../../store/repositories/activity.ts'
import type { ServiceDeps } from './deps.ts'

export const ACTIVITY_EVENTS = ['sign_in', 'sign_in_failed', 'token_issued', 'token_failed'] as const
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number]

const DAY = 86_400
/** Counter rows per (day, event): concurrent increments rarely meet on one row. */
const SHARDS = 8

export const dayOf = (epochSeconds: number): number => Math.floor(epochSeconds / DAY)

export interface ActivityDay {
  /** The UTC day, YYYY-MM-DD. */
  date: string
  counts: Record<ActivityEvent, number>
}

/** One more `event` today. */
export async function recordActivity({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>, event: ActivityEvent) {
  await bumpActivity(db, dayOf(clock.now()), event, Math.floor(Math.random() * SHARDS))
}

/** The last `days` UTC days, today last, every event present (zero when nothing happened). */
export async function activitySeries(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  days: number,
): Promise<ActivityDay[]> {
  const today = dayOf(clock.now())
  const first = today - days + 1
  const series = Array.from({ length: days }, (_, i) => ({
    date: new Date((first + i) * DAY * 1000).toISOString().slice(0, 10),
    counts: Object.fromEntries(ACTIVITY_EVENTS.map((e) => [e, 0])) as Record<ActivityEvent, number>,
  }))
  for (const row of await activitySince(db, first)) {
    const at = series[row.day - first]
    if (at && (ACTIVITY_EVENTS as readonly string[]).includes(row.event))
      at.counts[row.event as ActivityEvent] = row.count
  }
  return series
}

export function createActivityService(deps: Pick<ServiceDeps, 'db' | 'clock'>) {
  return {
    record: (event: ActivityEvent) => recordActivity(deps, event),
    series: (days: number) => activitySeries(deps, days),
  }
}
export type ActivityService = ReturnType<typeof createActivityService>
