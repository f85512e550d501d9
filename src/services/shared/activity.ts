/**
 * @module
 * Issue 17: what happened per UTC day, for the admin console's overview: sign-ins and their failures
 * (the login page), tokens issued and token requests refused (the token endpoint). Counted by the HTTP
 * server from each request's outcome (http/server.ts), like the Prometheus metrics, but kept in the
 * store (daily_activity) so the series survive restarts and add up across instances.
 *
 * A request only adds to a count in memory (ActivityCounts, made once per provider); the provider
 * writes them out every few seconds and when it closes (flushActivity, provider.ts), one upsert adding
 * each (day, event)'s count, so the token endpoint does no database write for counting. The overview
 * adds this instance's unwritten counts to the stored ones: exact for one instance, at most one flush
 * interval behind for the others.
 */
import { activitySince, addActivity } from '../../store/repositories/activity.ts'
import type { ServiceDeps } from './deps.ts'

export const ACTIVITY_EVENTS = ['sign_in', 'sign_in_failed', 'token_issued', 'token_failed'] as const
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number]

const DAY = 86_400
/**
 * Unwritten counts older than this many days are dropped when a flush fails again and again: the
 * overview never shows them (it reaches back 90 days), and the pending counts stay bounded.
 */
const KEEP_UNWRITTEN_DAYS = 90

export const dayOf = (epochSeconds: number): number => Math.floor(epochSeconds / DAY)

export interface ActivityDay {
  /** The UTC day, YYYY-MM-DD. */
  date: string
  counts: Record<ActivityEvent, number>
}

/**
 * This instance's counts not yet in the store, per `${day}:${event}`, and the chain that runs flushes
 * and reads one at a time (so a read never sees a count both in the store and in memory, or in neither).
 */
export interface ActivityCounts {
  pending: Map<string, { day: number; event: ActivityEvent; count: number }>
  turn: Promise<unknown>
}
export function createActivityCounts(): ActivityCounts {
  return { pending: new Map(), turn: Promise.resolve() }
}

type ActivityDeps = Pick<ServiceDeps, 'db' | 'clock'> & { counts: ActivityCounts }

function add(counts: ActivityCounts, day: number, event: ActivityEvent, count: number) {
  const key = `${day}:${event}`
  const at = counts.pending.get(key)
  if (at) at.count += count
  else counts.pending.set(key, { day, event, count })
}

/** Runs `work` after every flush and read already queued, whether they succeeded or not. */
function inTurn<T>(counts: ActivityCounts, work: () => Promise<T>): Promise<T> {
  const done = counts.turn.then(work, work)
  counts.turn = done.catch(() => undefined)
  return done
}

/** One more `event` today, in memory only: no database work on the request's path. */
export function recordActivity({ clock, counts }: Omit<ActivityDeps, 'db'>, event: ActivityEvent): void {
  add(counts, dayOf(clock.now()), event, 1)
}

/**
 * Writes the unwritten counts to the store in one statement. When it fails, the counts go back to be
 * written next time (within the last KEEP_UNWRITTEN_DAYS days) and the error is thrown for the caller
 * to log.
 */
export function flushActivity({ db, clock, counts }: ActivityDeps): Promise<void> {
  return inTurn(counts, async () => {
    if (counts.pending.size === 0) return
    const rows = [...counts.pending.values()]
    counts.pending = new Map()
    try {
      await addActivity(db, rows)
    } catch (error) {
      const oldest = dayOf(clock.now()) - KEEP_UNWRITTEN_DAYS
      for (const r of rows) if (r.day > oldest) add(counts, r.day, r.event, r.count)
      throw error
    }
  })
}

/** The last `days` UTC days, today last, every event present (zero when nothing happened). */
export function activitySeries({ db, clock, counts }: ActivityDeps, days: number): Promise<ActivityDay[]> {
  return inTurn(counts, async () => {
    const today = dayOf(clock.now())
    const first = today - days + 1
    const series = Array.from({ length: days }, (_, i) => ({
      date: new Date((first + i) * DAY * 1000).toISOString().slice(0, 10),
      counts: Object.fromEntries(ACTIVITY_EVENTS.map((e) => [e, 0])) as Record<ActivityEvent, number>,
    }))
    const stored = await activitySince(db, first)
    for (const row of [...stored, ...counts.pending.values()]) {
      const at = series[row.day - first]
      if (at && (ACTIVITY_EVENTS as readonly string[]).includes(row.event))
        at.counts[row.event as ActivityEvent] += row.count
    }
    return series
  })
}

/**
 * The activity operations bound to their dependencies (`services.activity`). The one piece of state,
 * the unwritten counts, is made here once per provider and passed in.
 */
export function createActivityService(deps: Pick<ServiceDeps, 'db' | 'clock'>) {
  const bound = { ...deps, counts: createActivityCounts() }
  return {
    record: (event: ActivityEvent) => recordActivity(bound, event),
    flush: () => flushActivity(bound),
    series: (days: number) => activitySeries(bound, days),
  }
}
export type ActivityService = ReturnType<typeof createActivityService>
