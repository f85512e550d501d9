/**
 * @module
 * Issue 17: the admin console's overview: counts, and per-day activity over the last N UTC days. For
 * admin and admin:read; a viewer gets FORBIDDEN.
 */
import type { Overview } from '../../services/admin/overview.ts'
import type { ActivityDay } from '../../services/shared/activity.ts'
import { builder } from '../builder.ts'

const OverviewDay = builder.objectRef<ActivityDay>('OverviewDay').implement({
  description: 'One UTC day of activity, counted as requests are answered.',
  fields: (t) => ({
    date: t.string({ description: 'The UTC day, YYYY-MM-DD.', resolve: (d) => d.date }),
    signIns: t.int({ description: 'Sign-ins on the login page.', resolve: (d) => d.counts.sign_in }),
    signInFailures: t.int({
      description: 'Sign-ins refused for a wrong username or password (throttled attempts are not counted).',
      resolve: (d) => d.counts.sign_in_failed,
    }),
    tokensIssued: t.int({
      description: 'Successful token endpoint requests (each issues an access token, perhaps with a refresh token).',
      resolve: (d) => d.counts.token_issued,
    }),
    tokenFailures: t.int({
      description: 'Token endpoint requests refused (400 or 401: bad grant, client authentication, request).',
      resolve: (d) => d.counts.token_failed,
    }),
    failures: t.int({
      description: 'signInFailures + tokenFailures.',
      resolve: (d) => d.counts.sign_in_failed + d.counts.token_failed,
    }),
  }),
})

const OverviewRef = builder.objectRef<Overview>('Overview').implement({
  description: 'What the console shows first (issue 17).',
  fields: (t) => ({
    applications: t.exposeInt('applications'),
    users: t.exposeInt('users'),
    groups: t.exposeInt('groups'),
    activeTokens: t.exposeInt('activeTokens', {
      description: 'Access and personal access tokens neither revoked nor expired (refresh tokens not included).',
    }),
    days: t.field({
      type: [OverviewDay],
      description: 'The last `days` UTC days, oldest first, today last; days without activity are zeros.',
      resolve: (o) => o.days,
    }),
  }),
})

builder.queryFields((t) => ({
  overview: t.field({
    type: OverviewRef,
    description: 'Counts and per-day activity for the admin console (admin and admin:read only).',
    args: { days: t.arg.int({ defaultValue: 14, description: 'How many UTC days, 1 to 90 (default 14).' }) },
    resolve: (_r, args, ctx) => ctx.services.admin.overview.get(ctx.actor, args.days ?? 14),
  }),
}))
