/**
 * @module
 * Access and refresh tokens. Opaque, prefixed, stored only as a lookup key holding their SHA-256
 * (crypto/token-values.ts). A refresh chain is a family: rotation on every use, and reuse of a
 * rotated token revokes the family (RFC 9700 §4.14.2), unless the application's grace period is open
 * (issue 16). Functions with their dependencies named as
 * parameters (like sessions/sessions.ts); the group-commit writer and the lookup cache are explicit
 * dependencies (TokenStore), made once per provider and bound by createTokenService.
 */
import { newId } from '../../crypto/ids.ts'
import { secretHint } from '../../crypto/secrets.ts'
import { newToken, tokenLookupKey, type TokenKind } from '../../crypto/token-values.ts'
import { consumeAuthorizationCode } from '../../store/repositories/authorization-codes.ts'
import * as repo from '../../store/repositories/tokens.ts'
import { accessKindOfRow, storedAccessKind, type Db } from '../../store/database.ts'
import { markGrantCompleted } from '../../store/repositories/applications.ts'
import { createGroupCommit, type GroupCommit } from '../../store/group-commit.ts'
import { createTokenLookupCache, type TokenLookups } from '../../store/token-lookup-cache.ts'
import type { Application } from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { joinList, splitList } from '../shared/lists.ts'

export interface IssuedTokens {
  accessToken: string
  accessTokenId: string
  expiresIn: number
  refreshToken: string | null
  scopes: string[]
  createdAt: number
}

export interface IssueRequest {
  application: Application
  userId: string | null
  scopes: readonly string[]
  withRefresh: boolean
  authTime: number | null
  /** The authorization request's nonce, kept with the refresh chain for its ID tokens (OIDC Core §12.2). */
  nonce?: string | null
  codeId?: string | null
  familyId?: string
}

/** What a resource server may learn about a live token (introspection, token info, userinfo). */
export interface ActiveToken {
  id: string
  kind: TokenKind
  applicationId: string | null
  clientId: string | null
  userId: string | null
  username: string | null
  scopes: string[]
  familyId: string | null
  createdAt: number
  expiresAt: number | null
}

export type RotateResult =
  | { ok: true; tokens: IssuedTokens; authTime: number | null; nonce: string | null; userId: string | null }
  | { ok: false; reason: string }
export type RedeemResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: string }

/**
 * The token store's state, made once per provider (createTokenStore) and passed to the operations that
 * use it: issuing, rotating and redeeming share commits with concurrent requests (store/group-commit.ts),
 * and repeated lookups of a live token come from memory until a write could have ended it
 * (store/token-lookup-cache.ts).
 */
export interface TokenStore {
  writes: GroupCommit
  lookups: TokenLookups
}

export function createTokenStore(db: Db): TokenStore {
  return { writes: createGroupCommit(db), lookups: createTokenLookupCache(db) }
}

/** Everything the token operations use; each one names the part it needs (Pick). */
export interface TokenDeps extends ServiceDeps, TokenStore {
  audit: Pick<AuditService, 'record'>
}
type WriteDeps = Pick<TokenDeps, 'config' | 'clock'>
type IssueDeps = WriteDeps & Pick<TokenDeps, 'writes'>
type FindDeps = Pick<TokenDeps, 'clock' | 'lookups'>

/** Writes one issuance (access token, and refresh token when asked) inside the given transaction. */
async function writeTokens({ config, clock }: WriteDeps, trx: Db, req: IssueRequest): Promise<IssuedTokens> {
  const now = clock.now()
  const accessTtl = req.application.accessTokenTtl ?? config.accessTokenTtl
  // A family ties a refresh chain (and the tokens of one code) together; a lone token needs none.
  const chainId = req.familyId ?? newId()
  const inChain = req.withRefresh || !!req.codeId || !!req.familyId
  const accessTokenId = newId()
  const { value: accessToken, key: accessKey } = newToken('access', accessTokenId)
  const scopes = joinList(req.scopes)
  await repo.insertAccessToken(trx, {
    id: accessTokenId,
    token_hash: accessKey,
    hint: secretHint(accessToken),
    kind: storedAccessKind('access'),
    application_id: req.application.id,
    user_id: req.userId,
    scopes,
    family_id: inChain ? chainId : null,
    authorization_code_id: req.codeId ?? null,
    created_at: now,
    expires_at: now + accessTtl,
    last_used_at: null,
    revoked_at: null,
  })
  let refreshToken: string | null = null
  if (req.withRefresh) {
    const refreshTokenId = newId()
    const refresh = newToken('refresh', refreshTokenId)
    refreshToken = refresh.value
    await repo.insertRefreshToken(trx, {
      id: refreshTokenId,
      token_hash: refresh.key,
      hint: secretHint(refreshToken),
      family_id: chainId,
      application_id: req.application.id,
      user_id: req.userId,
      scopes,
      auth_time: req.authTime,
      nonce: req.nonce ?? null,
      authorization_code_id: req.codeId ?? null,
      created_at: now,
      expires_at: now + (req.application.refreshTokenTtl ?? config.refreshTokenTtl),
      rotated_at: null,
      revoked_at: null,
    })
  }
  // Issue 18: a client that registered itself has now completed a grant, so the purge of unused
  // registrations leaves it alone. Written once: later issuances see it set and skip this.
  if (req.application.registration !== 'admin' && req.application.grantCompletedAt === null)
    await markGrantCompleted(trx, req.application.id, now)
  return { accessToken, accessTokenId, expiresIn: accessTtl, refreshToken, scopes: [...req.scopes], createdAt: now }
}

async function revokeCodeFamilies(trx: Db, codeId: string, now: number): Promise<void> {
  for (const familyId of await repo.familiesOfCode(trx, codeId)) await repo.revokeFamily(trx, familyId, now)
}

/** Issues tokens outside any code or refresh chain (client credentials and later grants). */
export function issueTokens(deps: IssueDeps, req: IssueRequest): Promise<IssuedTokens> {
  return deps.writes.run((trx) => writeTokens(deps, trx, req))
}

/**
 * Consumes a code and issues its tokens in one transaction. A code already consumed is a
 * replay: every token issued from it is revoked (RFC 6749 §4.1.2).
 */
export async function redeemCode(
  deps: IssueDeps & Pick<TokenDeps, 'audit'>,
  codeId: string,
  req: Omit<IssueRequest, 'codeId' | 'familyId'>,
): Promise<RedeemResult> {
  const { clock, writes, audit } = deps
  const result = await writes.run(async (trx): Promise<RedeemResult> => {
    const now = clock.now()
    if (!(await consumeAuthorizationCode(trx, codeId, now))) {
      await revokeCodeFamilies(trx, codeId, now)
      return { ok: false, reason: 'authorization code was already used' }
    }
    return { ok: true, tokens: await writeTokens(deps, trx, { ...req, codeId }) }
  })
  if (!result.ok) await audit.record({ type: 'code.reused', applicationId: req.application.id, userId: req.userId })
  return result
}

/** A personal access token: no application, for scripts and the admin API. Shown once. */
export async function mintPersonalToken(
  { db, clock, audit }: Pick<TokenDeps, 'db' | 'clock' | 'audit'>,
  userId: string,
  scopes: readonly string[],
  expiresIn: number | null,
): Promise<{ token: string; id: string; expiresAt: number | null }> {
  const id = newId()
  const { value: token, key } = newToken('personal', id)
  const now = clock.now()
  const expiresAt = expiresIn === null ? null : now + expiresIn
  await db.transaction().execute(async (trx) => {
    await repo.insertAccessToken(trx, {
      id,
      token_hash: key,
      hint: secretHint(token),
      kind: storedAccessKind('personal'),
      application_id: null,
      user_id: userId,
      scopes: joinList(scopes),
      family_id: null,
      authorization_code_id: null,
      created_at: now,
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    await audit.record({ type: 'personal_token.created', userId, detail: { scopes } }, trx)
  })
  return { token, id, expiresAt }
}

/**
 * Issues tokens only if `consume` succeeds in the same transaction: the one-time step (a device
 * code moving to consumed) and the issuance commit together or not at all.
 */
export function issueTokensOnce(
  deps: IssueDeps,
  consume: (trx: Db) => Promise<boolean>,
  req: IssueRequest,
): Promise<IssuedTokens | undefined> {
  return deps.writes.run(async (trx) => ((await consume(trx)) ? writeTokens(deps, trx, req) : undefined))
}

/** Revokes every token issued from a code, for a replay detected before the transaction. */
export async function revokeIssuedFromCode(
  { db, clock }: Pick<TokenDeps, 'db' | 'clock'>,
  codeId: string,
): Promise<void> {
  await db.transaction().execute((trx) => revokeCodeFamilies(trx, codeId, clock.now()))
}

/**
 * Issue 16: the most grace answers one rotated refresh token gets within its application's grace
 * period. Parallel refreshes (Git Credential Manager runs git commands side by side) stay well under
 * it; a token presented more often than that is treated as stolen after all and its family revoked,
 * so a leaked token cannot fan out into an unbounded number of live refresh tokens.
 */
export const GRACE_REPLAY_LIMIT = 16

/**
 * RFC 6749 §6 with rotation: the presented refresh token and its family's access tokens stop working.
 * Presenting a rotated token again revokes the family (RFC 9700 §4.14.2), except within the
 * application's grace period (issue 16): then the same client gets another new pair in the same
 * family, and nothing is revoked. This holds whether the earlier rotation had committed before the
 * token was read or races this request (group commit on SQLite, row locks on PostgreSQL): the
 * conditional updates in the one transaction decide, never the row read before it.
 */
export async function rotateRefreshToken(
  deps: IssueDeps & Pick<TokenDeps, 'db' | 'audit'>,
  value: string,
  application: Application,
  narrowTo: (original: string[]) => string[] | { error: string },
): Promise<RotateResult | { ok: false; reason: string; scopeError: true }> {
  const { db, clock, writes, audit } = deps
  const key = tokenLookupKey(value, 'refresh')
  if (key === undefined) return { ok: false, reason: 'unknown refresh token' }
  const row = await repo.findRefreshTokenWithOwnersByHash(db, key)
  const now = clock.now()
  if (!row || row.application_id !== application.id) return { ok: false, reason: 'unknown refresh token' }
  if (row.revoked_at !== null) return { ok: false, reason: 'refresh token was revoked' }
  // The window opens at the rotation: a replay at rotated_at + grace or later is a reuse.
  const rotatedAfter = now - application.refreshGracePeriod
  const graceOpen = application.refreshGracePeriod > 0
  if (row.rotated_at !== null && !(graceOpen && row.rotated_at > rotatedAfter)) return await reuseDetected(deps, row)
  if (row.expires_at <= now) return { ok: false, reason: 'refresh token expired' }
  if (row.user_id !== null && !ownersActive(row)) return { ok: false, reason: 'user is disabled' }
  const scopes = narrowTo(splitList(row.scopes))
  if ('error' in scopes) return { ok: false, reason: scopes.error, scopeError: true }
  const result = await writes.run(async (trx): Promise<RotateResult | 'reused'> => {
    const rotates = row.rotated_at === null && (await repo.markRefreshTokenRotated(trx, row.id, now))
    if (rotates) await repo.revokeAccessTokensOfFamily(trx, row.family_id, now)
    // Rotated already, by an earlier request or a concurrent one: a grace answer, or a reuse.
    else if (!graceOpen || !(await repo.claimGraceReplay(trx, row.id, now, rotatedAfter, GRACE_REPLAY_LIMIT)))
      return 'reused'
    // A grace answer leaves the family's access tokens alone: the concurrent sibling's stay in use.
    else
      await audit.record(
        { type: 'refresh_token.grace_replayed', applicationId: row.application_id, userId: row.user_id },
        trx,
      )
    const tokens = await writeTokens(deps, trx, {
      application,
      userId: row.user_id,
      scopes,
      withRefresh: true,
      authTime: row.auth_time,
      nonce: row.nonce,
      codeId: row.authorization_code_id,
      familyId: row.family_id,
    })
    return { ok: true, tokens, authTime: row.auth_time, nonce: row.nonce, userId: row.user_id }
  })
  return result === 'reused' ? await reuseDetected(deps, row) : result
}

async function reuseDetected(
  { db, clock, audit }: Pick<TokenDeps, 'db' | 'clock' | 'audit'>,
  row: repo.RefreshTokenRow,
): Promise<{ ok: false; reason: string }> {
  await db.transaction().execute((trx) => repo.revokeFamily(trx, row.family_id, clock.now()))
  await audit.record({ type: 'refresh_token.reused', applicationId: row.application_id, userId: row.user_id })
  return { ok: false, reason: 'refresh token was already used; its grant has been revoked' }
}

/** The live token behind a presented value, of any kind, or undefined. */
export async function findActiveToken(deps: FindDeps, value: string): Promise<ActiveToken | undefined> {
  const accessKey = tokenLookupKey(value, 'access') ?? tokenLookupKey(value, 'personal')
  if (accessKey !== undefined) return findActiveAccess(deps, accessKey)
  const refreshKey = tokenLookupKey(value, 'refresh')
  return refreshKey === undefined ? undefined : findActiveRefresh(deps, refreshKey)
}

/**
 * RFC 7009 §2.1: revokes a token the client owns. Revoking a refresh token (or any token of a
 * family) ends the whole grant chain. Tokens of other clients are left alone.
 */
export async function revokeToken(
  deps: FindDeps & Pick<TokenDeps, 'db' | 'audit'>,
  value: string,
  application: Application,
): Promise<void> {
  const { db, clock, audit } = deps
  const token = await findActiveToken(deps, value)
  if (!token || token.applicationId !== application.id) return
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    if (token.kind === 'refresh' && token.familyId) await repo.revokeFamily(trx, token.familyId, now)
    else await repo.revokeAccessTokenById(trx, token.id, now)
    await audit.record(
      { type: 'token.revoked', applicationId: application.id, userId: token.userId, detail: { kind: token.kind } },
      trx,
    )
  })
}

// Token, user and application come from one joined query (repo.find*WithOwnersByHash).
async function findActiveAccess({ clock, lookups }: FindDeps, key: string): Promise<ActiveToken | undefined> {
  const row = await lookups.access(key)
  if (
    !row ||
    row.revoked_at !== null ||
    (row.expires_at !== null && row.expires_at <= clock.now()) ||
    !ownersActive(row)
  )
    return undefined
  return activeToken(row, accessKindOfRow(row.kind))
}

async function findActiveRefresh({ clock, lookups }: FindDeps, key: string): Promise<ActiveToken | undefined> {
  const row = await lookups.refresh(key)
  if (!row || row.revoked_at !== null || row.rotated_at !== null || row.expires_at <= clock.now() || !ownersActive(row))
    return undefined
  return activeToken(row, 'refresh')
}

/** What a live access or refresh token's row says, in the shape callers read. */
function activeToken(
  row: {
    id: string
    application_id: string | null
    owner_client_id: string | null
    user_id: string | null
    owner_username: string | null
    scopes: string
    family_id: string | null
    created_at: number
    expires_at: number | null
  },
  kind: TokenKind,
): ActiveToken {
  return {
    id: row.id,
    kind,
    applicationId: row.application_id,
    clientId: row.owner_client_id,
    userId: row.user_id,
    username: row.owner_username,
    scopes: splitList(row.scopes),
    familyId: row.family_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}

/** A token is only active while its user exists and is enabled, and its application exists. */
function ownersActive(row: { user_id: string | null; application_id: string | null } & repo.TokenOwners): boolean {
  if (row.user_id !== null && (row.owner_user_id === null || row.owner_disabled_at !== null)) return false
  return row.application_id === null || row.owner_client_id !== null
}

/**
 * The token operations bound to their dependencies (`services.tokens`). The store state (group commit,
 * lookup cache) is made here once per provider unless given.
 */
export function createTokenService(
  deps: ServiceDeps,
  audit: AuditService,
  store: TokenStore = createTokenStore(deps.db),
) {
  // One literal of one shape, made once: every operation reads its part of it.
  const d: TokenDeps = {
    db: deps.db,
    config: deps.config,
    clock: deps.clock,
    writes: store.writes,
    lookups: store.lookups,
    audit,
  }
  return {
    issue: (req: IssueRequest) => issueTokens(d, req),
    redeemCode: (codeId: string, req: Omit<IssueRequest, 'codeId' | 'familyId'>) => redeemCode(d, codeId, req),
    issuePersonal: (userId: string, scopes: readonly string[], expiresIn: number | null) =>
      mintPersonalToken(d, userId, scopes, expiresIn),
    issueOnce: (consume: (trx: Db) => Promise<boolean>, req: IssueRequest) => issueTokensOnce(d, consume, req),
    revokeIssuedFromCode: (codeId: string) => revokeIssuedFromCode(d, codeId),
    rotateRefresh: (
      value: string,
      application: Application,
      narrowTo: (original: string[]) => string[] | { error: string },
    ) => rotateRefreshToken(d, value, application, narrowTo),
    findActive: (value: string) => findActiveToken(d, value),
    revoke: (value: string, application: Application) => revokeToken(d, value, application),
  }
}
export type TokenService = ReturnType<typeof createTokenService>
