/**
 * @module
 * The node types, declared before they are implemented (types/*.ts) so they can refer to each
 * other. Each is a loadable node: `node`, `nodes` and every field that returns one of these ids go
 * through one DataLoader per request, i.e. one query per type per tick, whatever the page size.
 * The loaders return null for objects the actor may not see, exactly as for unknown ids.
 */
import { narrowTo } from '../services/admin/access.ts'
import type { AuditEvent } from '../services/admin/users.ts'
import type { SigningKeyView } from '../services/admin/keys.ts'
import type { TokenKind, TokenView } from '../services/admin/tokens.ts'
import type { Application } from '../services/applications/applications.ts'
import type { Grant } from '../services/grants/grants.ts'
import type { Group } from '../services/groups/groups.ts'
import type { User } from '../services/users/users.ts'
import { builder } from './builder.ts'

export const ApplicationRef = builder.loadableNodeRef('Application', {
  id: { resolve: (a: Application) => a.id },
  load: (ids: string[], ctx) => ctx.services.admin.applications.byIds(ctx.actor, ids),
})
export const UserRef = builder.loadableNodeRef('User', {
  id: { resolve: (u: User) => u.id },
  load: (ids: string[], ctx) => ctx.services.admin.users.byIds(ctx.actor, ids),
})
export const GrantRef = builder.loadableNodeRef('Grant', {
  id: { resolve: (g: Grant) => g.id },
  load: (ids: string[], ctx) => ctx.services.admin.tokens.grantsByIds(ctx.actor, ids),
})
export const TokenRef = builder.loadableNodeRef('Token', {
  id: { resolve: (t: TokenView) => t.id },
  load: (ids: string[], ctx) => ctx.services.admin.tokens.byIds(ctx.actor, ids),
})
export const AuditEventRef = builder.loadableNodeRef('AuditEvent', {
  id: { resolve: (e: AuditEvent) => e.id },
  load: (ids: string[], ctx) => ctx.services.admin.users.auditByIds(ctx.actor, ids),
})
export const SigningKeyRef = builder.loadableNodeRef('SigningKey', {
  id: { resolve: (k: SigningKeyView) => k.id },
  load: (ids: string[], ctx) => ctx.services.admin.keys.byIds(ctx.actor, ids),
})

/** A viewer sees only the groups they belong to; admin and admin:read see every group. */
export const GroupRef = builder.loadableNodeRef('Group', {
  id: { resolve: (g: Group) => g.id },
  load: (ids: string[], ctx) => ctx.services.groups.byIds(ids, narrowTo(ctx.actor)),
})

export const ActiveFilter = builder.enumType('TokenState', {
  description: 'Live (usable now) or no longer usable (revoked, rotated or expired).',
  values: ['ACTIVE', 'INACTIVE'] as const,
})
/** One GraphQL value per `TokenKind`, its name in capitals: the type below fails to compile if they drift. */
export const TokenKindEnum = builder.enumType('TokenKind', {
  values: {
    ACCESS: { value: 'access' },
    REFRESH: { value: 'refresh' },
    PERSONAL: { value: 'personal' },
  } as const satisfies { [K in TokenKind as Uppercase<K>]: { value: K } },
})

/** The `state` filter argument as the services take it. */
export function isActive(state: 'ACTIVE' | 'INACTIVE' | null | undefined): boolean | undefined {
  return state == null ? undefined : state === 'ACTIVE'
}
