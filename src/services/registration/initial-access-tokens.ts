/**
 * @module
 * Initial access tokens (RFC 7591 §3, §1.2): what an administrator hands to whoever may register a
 * client under registration policy `token`. Shown once; only its SHA-256 is stored. Each has an expiry,
 * an optional ceiling on how many registrations it makes, and a ceiling on the scopes and grant types
 * those registrations may name. Functions with their dependencies named as parameters, bound by
 * createInitialAccessTokenService.
 */
import { z } from 'zod'
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, secretHint, sha256Hex } from '../../crypto/secrets.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/registration-tokens.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { joinList, splitList } from '../shared/lists.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import { REGISTRABLE_GRANT_TYPES } from './metadata.ts'

export interface InitialAccessToken {
  id: string
  /** The last characters of the value, to recognise it by. */
  hint: string
  description: string | null
  scopes: string[]
  grantTypes: string[]
  /** Null: any number of registrations until it expires. */
  maxUses: number | null
  useCount: number
  createdBy: string | null
  createdAt: number
  expiresAt: number
  lastUsedAt: number | null
  revokedAt: number | null
  /** At the time it was read. */
  state: 'active' | 'expired' | 'used' | 'revoked'
}

/** usable, expired, used up or revoked, at `now`. */
export function initialAccessTokenState(
  t: Omit<InitialAccessToken, 'state'>,
  now: number,
): 'active' | 'expired' | 'used' | 'revoked' {
  if (t.revokedAt !== null) return 'revoked'
  if (t.expiresAt <= now) return 'expired'
  if (t.maxUses !== null && t.useCount >= t.maxUses) return 'used'
  return 'active'
}

function rowToToken(r: repo.RegistrationTokenRow, now: number): InitialAccessToken {
  const token = {
    id: r.id,
    hint: r.hint,
    description: r.description,
    scopes: splitList(r.scopes),
    grantTypes: splitList(r.grant_types),
    maxUses: r.max_uses,
    useCount: Number(r.use_count),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  }
  return { ...token, state: initialAccessTokenState(token, now) }
}

/** At most a year: a token that outlives that is a standing invitation nobody remembers handing out. */
export const MAX_INITIAL_ACCESS_TOKEN_LIFETIME = 366 * 86400

export const NewInitialAccessTokenInput = z.object({
  /** Seconds until it stops working. Default: one day. */
  expiresIn: z
    .number()
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds')
    .max(MAX_INITIAL_ACCESS_TOKEN_LIFETIME, 'may be at most 366 days')
    .default(86400),
  /** Registrations it may make; null: any number until it expires. Default: one. */
  maxUses: z.number().int().min(1, 'must be at least 1').max(100_000).nullable().default(1),
  scopes: z.array(z.string().min(1).max(100)).max(100).default(['openid', 'profile', 'email']),
  grantTypes: z
    .array(z.enum(REGISTRABLE_GRANT_TYPES, { error: `must be among ${REGISTRABLE_GRANT_TYPES.join(', ')}` }))
    .min(1)
    .max(10)
    .default(['authorization_code', 'refresh_token']),
  description: z.string().trim().min(1).max(200).nullish(),
})

type Deps = Pick<ServiceDeps, 'db' | 'clock'> & {
  audit: Pick<AuditService, 'record'>
  scopes: Pick<ScopeService, 'unknownNames'>
}

export async function createInitialAccessToken(
  deps: Deps,
  input: z.input<typeof NewInitialAccessTokenInput>,
  actorUserId: string | null = null,
): Promise<{ token: string; initialAccessToken: InitialAccessToken }> {
  const { db, clock, audit, scopes } = deps
  const p = parseOrInvalid(NewInitialAccessTokenInput, input)
  const unknown = await scopes.unknownNames(p.scopes)
  if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
  const token = generateSecret('initialAccessToken')
  const now = clock.now()
  const row = {
    id: newId(),
    token_hash: sha256Hex(token),
    hint: secretHint(token),
    description: p.description ?? null,
    scopes: joinList([...new Set(p.scopes)]),
    grant_types: joinList([...new Set(p.grantTypes)]),
    max_uses: p.maxUses,
    use_count: 0,
    created_by: actorUserId,
    created_at: now,
    expires_at: now + p.expiresIn,
    last_used_at: null,
    revoked_at: null,
  }
  await db.transaction().execute(async (trx) => {
    await repo.insertRegistrationToken(trx, row)
    await audit.record(
      {
        type: 'registration_token.created',
        actorUserId,
        detail: {
          id: row.id,
          scopes: p.scopes,
          grantTypes: p.grantTypes,
          maxUses: p.maxUses,
          expiresAt: row.expires_at,
        },
      },
      trx,
    )
  })
  return { token, initialAccessToken: rowToToken(row, now) }
}

export async function listInitialAccessTokens({
  db,
  clock,
}: Pick<ServiceDeps, 'db' | 'clock'>): Promise<InitialAccessToken[]> {
  const now = clock.now()
  return (await repo.listRegistrationTokens(db)).map((r) => rowToToken(r, now))
}

/** Revoking twice is harmless; an unknown id is NotFound. */
export async function revokeInitialAccessToken(
  { db, clock, audit }: Omit<Deps, 'scopes'>,
  id: string,
  actorUserId: string | null = null,
): Promise<InitialAccessToken> {
  const row = await repo.findRegistrationTokenById(db, id)
  if (!row) throw new NotFound(`no initial access token with id ${id}`, 'id')
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    if (await repo.revokeRegistrationToken(trx, id, now))
      await audit.record({ type: 'registration_token.revoked', actorUserId, detail: { id } }, trx)
  })
  return rowToToken((await repo.findRegistrationTokenById(db, id)) ?? row, now)
}

/** The token a registration presents, when it is one and still usable at `now`; never counts a use. */
export async function findUsableInitialAccessToken(
  { db }: Pick<ServiceDeps, 'db'>,
  value: string,
  now: number,
): Promise<InitialAccessToken | undefined> {
  if (!hasPrefix(value, 'initialAccessToken') || value.length > 200) return undefined
  const row = await repo.findRegistrationTokenByHash(db, sha256Hex(value))
  if (!row) return undefined
  const token = rowToToken(row, now)
  return token.state === 'active' ? token : undefined
}

/** Counts one registration against the token inside the registration's transaction; false: used up meanwhile. */
export function useInitialAccessToken(trx: Db, id: string, now: number): Promise<boolean> {
  return repo.useRegistrationToken(trx, id, now)
}
