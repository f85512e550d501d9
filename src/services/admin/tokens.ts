/**
 * @module
 * Tokens and grants as the admin API sees them. A token is never shown, only its kind, its last
 * four characters and its metadata (checklist M.70). A viewer sees the tokens and grants they hold
 * and those of the applications they own, and may revoke exactly those. Each change delegates to
 * the base operation holding its rule (tokens/revocation.ts, tokens/personal-tokens.ts, grants.revoke)
 * and adds only the access check. Functions with their dependencies named as parameters.
 */
import type { z } from 'zod'
import { PREFIX } from '../../crypto/secrets.ts'
import type { TokenKind } from '../../crypto/token-values.ts'
import * as batch from '../../store/repositories/admin-batches.ts'
import {
  findTokenRows,
  pageGrants,
  pageTokens,
  type GrantFilter,
  type PageWindow,
  type TokenFilter,
  type TokenListRow,
  tokenKindOfRow,
} from '../../store/repositories/admin-pages.ts'
import { findApplicationById } from '../../store/repositories/applications.ts'
import { assertAdmin, assertCanWrite, assertMay, narrowTo, seesAll, type Actor } from './access.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Forbidden, NotFound } from '../shared/errors.ts'
import { grantRowToGrant, type Grant, type GrantService } from '../grants/grants.ts'
import { splitList } from '../shared/lists.ts'
import type { Scope, ScopeService } from '../scopes/scopes.ts'
import type { User } from '../users/users.ts'
import type { TokenService } from '../tokens/tokens.ts'
import { type RevocationDeps, revokeTokenById, revokeTokensOfUser } from '../tokens/revocation.ts'
import { checkPersonalToken, issuePersonalToken, type PersonalTokenInput } from '../tokens/personal-tokens.ts'

/** Re-exported for GraphQL's `TokenKind` enum, which may not import crypto/ itself. */
export type { TokenKind }

export interface TokenView {
  id: string
  kind: TokenKind
  /** The recognisable prefix and the last four characters; never the value. */
  prefix: string
  hint: string
  applicationId: string | null
  userId: string | null
  scopes: string[]
  createdAt: number
  expiresAt: number | null
  lastUsedAt: number | null
  revokedAt: number | null
  active: boolean
}

const LIST_BATCH = 500

function tokenRowToView(row: TokenListRow, now: number): TokenView {
  const kind = tokenKindOfRow(row)
  const prefix = PREFIX[kind]
  const active =
    row.revoked_at === null && row.rotated_at === null && (row.expires_at === null || Number(row.expires_at) > now)
  return {
    id: row.id,
    kind,
    prefix,
    hint: row.hint,
    applicationId: row.application_id,
    userId: row.user_id,
    scopes: splitList(row.scopes),
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    active,
  }
}

/**
 * What the admin token operations use: the store for their pages, the clock, the audit log, and the
 * base operations holding the rules they delegate to.
 */
export interface AdminTokenDeps extends Pick<ServiceDeps, 'db' | 'clock'> {
  audit: Pick<AuditService, 'record'>
  tokens: Pick<TokenService, 'issuePersonal'>
  grants: Pick<GrantService, 'findById' | 'revoke'>
  scopes: Pick<ScopeService, 'unknownNames' | 'expand' | 'all'>
}
type ReadDeps = Pick<AdminTokenDeps, 'db' | 'clock'>

/** Owner ids that make an object visible to a viewer: its user, and its application's owner. */
async function ownersOf(
  { db }: Pick<AdminTokenDeps, 'db'>,
  userId: string | null,
  applicationId: string | null,
): Promise<Array<string | null>> {
  const app = applicationId === null ? undefined : await findApplicationById(db, applicationId)
  return [userId, app?.owner_id ?? null]
}

async function visibleTokens(
  { db }: Pick<AdminTokenDeps, 'db'>,
  actor: Actor,
  rows: TokenListRow[],
): Promise<TokenListRow[]> {
  if (seesAll(actor)) return rows
  const appIds = [...new Set(rows.map((r) => r.application_id).filter((x): x is string => x !== null))]
  const owned = new Set(
    (await batch.applicationsByIds(db, appIds)).filter((a) => a.owner_id === actor.userId).map((a) => a.id),
  )
  return rows.filter((r) => r.user_id === actor.userId || (r.application_id !== null && owned.has(r.application_id)))
}

async function requireTokenRow({ db }: Pick<AdminTokenDeps, 'db'>, id: string): Promise<TokenListRow> {
  const [row] = await findTokenRows(db, [id])
  if (!row) throw new NotFound('no token with this id', 'id')
  return row
}

/** The one revocation rule (tokens/revocation.ts), shown as the admin API shows a token. */
async function revokeRow(deps: RevocationDeps, row: TokenListRow, actorUserId: string | null): Promise<TokenView> {
  const now = await revokeTokenById(
    deps,
    { id: row.id, source: row.source, userId: row.user_id, applicationId: row.application_id },
    actorUserId,
  )
  return tokenRowToView({ ...row, revoked_at: row.revoked_at ?? now }, now)
}

export async function adminTokenPage(
  { db, clock }: ReadDeps,
  actor: Actor,
  w: PageWindow,
  filter: TokenFilter,
): Promise<TokenView[]> {
  const now = clock.now()
  return (await pageTokens(db, w, { ...filter, ownedBy: narrowTo(actor) }, now)).map((r) => tokenRowToView(r, now))
}

export async function adminTokensByIds(
  deps: ReadDeps,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<TokenView | null>> {
  const now = deps.clock.now()
  const rows = new Map((await visibleTokens(deps, actor, await findTokenRows(deps.db, ids))).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row ? tokenRowToView(row, now) : null
  })
}

/** Revokes a token; an OAuth token takes its refresh family with it (RFC 7009 §2.1). */
export async function adminRevokeToken(deps: RevocationDeps, actor: Actor, id: string): Promise<TokenView> {
  assertCanWrite(actor)
  const row = await requireTokenRow(deps, id)
  assertMay(actor, await ownersOf(deps, row.user_id, row.application_id), 'token')
  return revokeRow(deps, row, actor.userId)
}

/** The operator at the command line: any token by id, recorded without an acting user. */
export async function operatorRevokeToken(deps: RevocationDeps, id: string): Promise<TokenView> {
  return revokeRow(deps, await requireTokenRow(deps, id), null)
}

/** Personal access tokens, newest first, of one user or of everyone (the CLI's `token list`). */
export async function listPersonalTokens(
  { db, clock }: ReadDeps,
  filter: { userId?: string; active?: boolean },
): Promise<TokenView[]> {
  const now = clock.now()
  const views: TokenView[] = []
  for (let after: string | undefined; ; ) {
    const rows = await pageTokens(
      db,
      { after, limit: LIST_BATCH, inverted: false },
      { ...filter, kind: 'personal' },
      now,
    )
    views.push(...rows.map((r) => tokenRowToView(r, now)))
    if (rows.length < LIST_BATCH) return views
    after = rows.at(-1)!.id
  }
}

/** Every token a user holds. A viewer may do this for themselves; others need admin. */
export async function adminRevokeTokensOfUser(deps: RevocationDeps, actor: Actor, userId: string): Promise<number> {
  if (userId === actor.userId) assertCanWrite(actor)
  else assertAdmin(actor, 'userId')
  return revokeTokensOfUser(deps, userId, actor.userId)
}

/**
 * A personal access token for the caller, never wider than the caller's own token. Shown once. The
 * rules are checkPersonalToken's (tokens/personal-tokens.ts); this adds only the "never wider" check.
 */
export async function adminCreatePersonalToken(
  { db, clock, tokens, scopes }: ReadDeps & Pick<AdminTokenDeps, 'tokens' | 'scopes'>,
  actor: Actor,
  input: z.input<typeof PersonalTokenInput>,
): Promise<{ token: string; view: TokenView }> {
  assertCanWrite(actor)
  const p = await checkPersonalToken(scopes, input)
  const wider = p.scopes.filter((s) => !actor.scopes.includes(s))
  if (wider.length)
    throw new Forbidden(`a token may not create a token with more rights (${wider.join(', ')})`, 'scopes')
  const issued = await issuePersonalToken(tokens, actor.userId, p)
  const [row] = await findTokenRows(db, [issued.id])
  return { token: issued.token, view: tokenRowToView(row!, clock.now()) }
}

/** Issue 17: scopes that make a token an administrator's; only administrators hold them in their own tokens. */
export const ADMIN_SCOPES = ['admin', 'admin:read']

/** The admin scopes a set of scopes reaches (directly or through what they imply). */
async function adminScopesIn(scopes: Pick<ScopeService, 'expand'>, names: readonly string[]): Promise<string[]> {
  const expanded = await scopes.expand(names)
  return ADMIN_SCOPES.filter((s) => expanded.includes(s))
}

/**
 * Issue 17: the scopes a user may put in a personal access token of their own (the account page's
 * choices): every scope, but those reaching an admin scope only for administrators.
 */
export async function personalScopesFor(
  { scopes }: Pick<AdminTokenDeps, 'scopes'>,
  user: Pick<User, 'isAdmin'>,
): Promise<Scope[]> {
  const all = await scopes.all()
  if (user.isAdmin) return all
  const out: Scope[] = []
  for (const s of all) if ((await adminScopesIn(scopes, [s.name])).length === 0) out.push(s)
  return out
}

/**
 * Issue 17: a signed-in user's own personal access token, from the account page. The rules are
 * checkPersonalToken's (the CLI's `token create`); this adds only what the user may hold.
 */
export async function createOwnPersonalToken(
  { db, clock, tokens, scopes }: ReadDeps & Pick<AdminTokenDeps, 'tokens' | 'scopes'>,
  user: Pick<User, 'id' | 'isAdmin' | 'disabled'>,
  input: z.input<typeof PersonalTokenInput>,
): Promise<{ token: string; view: TokenView }> {
  if (user.disabled) throw new Forbidden('a disabled account makes no tokens')
  const p = await checkPersonalToken(scopes, input)
  const admin = user.isAdmin ? [] : await adminScopesIn(scopes, p.scopes)
  if (admin.length) throw new Forbidden(`only administrators may hold ${admin.join(', ')}`, 'scopes')
  const issued = await issuePersonalToken(tokens, user.id, p)
  const [row] = await findTokenRows(db, [issued.id])
  return { token: issued.token, view: tokenRowToView(row!, clock.now()) }
}

/** Issue 17: the user revokes one of their own personal access tokens; another's is "not found". */
export async function revokeOwnPersonalToken(deps: RevocationDeps, userId: string, id: string): Promise<TokenView> {
  const [row] = await findTokenRows(deps.db, [id])
  if (!row || row.user_id !== userId || tokenKindOfRow(row) !== 'personal')
    throw new NotFound('no personal access token of yours with this id', 'id')
  return revokeRow(deps, row, userId)
}

export async function adminGrantPage(
  { db }: Pick<AdminTokenDeps, 'db'>,
  actor: Actor,
  w: PageWindow,
  filter: GrantFilter,
): Promise<Grant[]> {
  return (await pageGrants(db, w, { ...filter, ownedBy: narrowTo(actor) })).map(grantRowToGrant)
}

export async function adminGrantsByIds(
  { db }: Pick<AdminTokenDeps, 'db'>,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<Grant | null>> {
  let rows = await batch.grantsByIds(db, ids)
  if (!seesAll(actor)) {
    const owned = new Set(
      (
        await batch.applicationsByIds(
          db,
          rows.map((r) => r.application_id),
        )
      )
        .filter((a) => a.owner_id === actor.userId)
        .map((a) => a.id),
    )
    rows = rows.filter((r) => r.user_id === actor.userId || owned.has(r.application_id))
  }
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = byId.get(id)
    return row ? grantRowToGrant(row) : null
  })
}

/** Revoking a grant kills every token issued under it, at once (grants.revoke, checklist M.73). */
export async function adminRevokeGrant(
  deps: Pick<AdminTokenDeps, 'db' | 'grants'>,
  actor: Actor,
  id: string,
): Promise<Grant> {
  assertCanWrite(actor)
  const grant = await deps.grants.findById(id)
  if (!grant) throw new NotFound('no grant with this id', 'id')
  assertMay(actor, await ownersOf(deps, grant.userId, grant.applicationId), 'grant')
  await deps.grants.revoke(grant.id, actor.userId)
  return { ...grant, revoked: true }
}

/** The admin token and grant operations bound to their dependencies (`services.admin.tokens`). */
export function createAdminTokenService(
  { db, clock }: ServiceDeps,
  audit: AuditService,
  tokens: TokenService,
  grants: GrantService,
  scopes: ScopeService,
) {
  const d: AdminTokenDeps = { db, clock, audit, tokens, grants, scopes }
  return {
    page: (actor: Actor, w: PageWindow, filter: TokenFilter) => adminTokenPage(d, actor, w, filter),
    byIds: (actor: Actor, ids: readonly string[]) => adminTokensByIds(d, actor, ids),
    revoke: (actor: Actor, id: string) => adminRevokeToken(d, actor, id),
    revokeAsOperator: (id: string) => operatorRevokeToken(d, id),
    listPersonal: (filter: { userId?: string; active?: boolean }) => listPersonalTokens(d, filter),
    revokeAllOfUser: (actor: Actor, userId: string) => adminRevokeTokensOfUser(d, actor, userId),
    createPersonal: (actor: Actor, input: z.input<typeof PersonalTokenInput>) =>
      adminCreatePersonalToken(d, actor, input),
    personalScopesFor: (user: Pick<User, 'isAdmin'>) => personalScopesFor(d, user),
    createOwnPersonal: (user: Pick<User, 'id' | 'isAdmin' | 'disabled'>, input: z.input<typeof PersonalTokenInput>) =>
      createOwnPersonalToken(d, user, input),
    revokeOwnPersonal: (userId: string, id: string) => revokeOwnPersonalToken(d, userId, id),
    grantsPage: (actor: Actor, w: PageWindow, filter: GrantFilter) => adminGrantPage(d, actor, w, filter),
    grantsByIds: (actor: Actor, ids: readonly string[]) => adminGrantsByIds(d, actor, ids),
    revokeGrant: (actor: Actor, id: string) => adminRevokeGrant(d, actor, id),
  }
}
export type AdminTokenService = ReturnType<typeof createAdminTokenService>
