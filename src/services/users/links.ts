/**
 * @module
 * Issue 17: one-time links that set a password in the browser.
 * - The first-run setup link: on an empty database `latchkey serve` makes one (valid one hour); whoever
 *   opens it creates the first administrator. Each start makes a new one and ends the old; once any
 *   account exists no link is made and none works, so nothing else creates the first administrator
 *   over HTTP.
 * - Password-reset links: an administrator makes one for a user (valid 24 hours; a new one ends the
 *   old); the user sets a password, every session of theirs ends and a sign-in lockout is lifted, as
 *   setUserPassword does. A link for an account created without a password is its invitation.
 * Only the token's SHA-256 is stored (found by that digest, then compared in constant time); a link is
 * used at most once, by a conditional update in the transaction that does its work (OWASP Forgot
 * Password Cheat Sheet: random, single use, expiring, stored hashed). Functions with their dependencies
 * named as parameters.
 */
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, safeEqual, sha256Hex, type SecretKind } from '../../crypto/secrets.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/one-time-links.ts'
import { findUserById, insertUser } from '../../store/repositories/users.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import {
  newUserRow,
  PasswordInput,
  requireNewUserFree,
  userRowToUser,
  writePassword,
  type NewUserInput,
  type User,
  type UserDeps,
} from './users.ts'
import type { z } from 'zod'

/** How long the first-run setup link works. */
export const SETUP_LINK_TTL = 3600
/** How long a password-reset link works (fixed; the administrator makes a new one when it lapsed). */
export const RESET_LINK_TTL = 24 * 3600

export const SETUP_PATH = '/setup'
export const RESET_PATH = '/account/reset'

type LinkDeps = Pick<UserDeps, 'db' | 'clock' | 'audit'> & Pick<ServiceDeps, 'config'>

/** A link made now: the URL to hand over (shown once) and when it stops working. */
export interface OneTimeLink {
  url: string
  expiresAt: number
}

const KIND: Record<repo.LinkPurpose, SecretKind> = { setup: 'setupLink', password_reset: 'resetLink' }
const PATH: Record<repo.LinkPurpose, string> = { setup: SETUP_PATH, password_reset: RESET_PATH }

async function makeLink(
  { config, clock }: LinkDeps,
  trx: Db,
  purpose: repo.LinkPurpose,
  userId: string | null,
  createdBy: string | null,
  ttl: number,
): Promise<OneTimeLink> {
  const token = generateSecret(KIND[purpose])
  const now = clock.now()
  await repo.expireUnusedLinks(trx, purpose, userId, now)
  await repo.insertOneTimeLink(trx, {
    id: newId(),
    purpose,
    token_hash: sha256Hex(token),
    user_id: userId,
    created_by: createdBy,
    created_at: now,
    expires_at: now + ttl,
    used_at: null,
  })
  return { url: `${config.issuer}${PATH[purpose]}?token=${encodeURIComponent(token)}`, expiresAt: now + ttl }
}

/**
 * The link behind a token if it can still be used (unused, unexpired); undefined for anything else,
 * one answer for unknown, used and expired tokens.
 */
async function usableLink(
  { db, clock }: Pick<LinkDeps, 'db' | 'clock'>,
  purpose: repo.LinkPurpose,
  token: string | undefined,
): Promise<repo.OneTimeLinkRow | undefined> {
  if (!token || token.length > 128 || !hasPrefix(token, KIND[purpose])) return undefined
  const hash = sha256Hex(token)
  const row = await repo.findOneTimeLinkByHash(db, purpose, hash)
  if (!row || !safeEqual(row.token_hash, hash) || row.used_at !== null || row.expires_at <= clock.now())
    return undefined
  return row
}

const DEAD_LINK = 'this link is not valid: it was used already, it expired, or a newer one replaced it'

/**
 * At start-up on an empty database: a new setup link (the previous one, if any, stops working), or
 * undefined when an account exists.
 */
export async function makeSetupLink(deps: LinkDeps): Promise<OneTimeLink | undefined> {
  return deps.db.transaction().execute(async (trx) => {
    if (await repo.anyUserExists(trx)) {
      await repo.expireUnusedLinks(trx, 'setup', null, deps.clock.now())
      return undefined
    }
    return makeLink(deps, trx, 'setup', null, null, SETUP_LINK_TTL)
  })
}

/** Whether a setup token may be used now (the page shows the form only then). */
export async function setupLinkUsable(deps: LinkDeps, token: string | undefined): Promise<boolean> {
  return (await usableLink(deps, 'setup', token)) !== undefined && !(await repo.anyUserExists(deps.db))
}

/**
 * Creates the first administrator through the setup link. The link is used and the account created in
 * one transaction that also checks no account exists, so a second use, concurrent or later, fails and
 * leaves nothing behind.
 */
export async function completeSetup(
  deps: LinkDeps & Pick<UserDeps, 'hasher'>,
  token: string | undefined,
  input: Pick<z.input<typeof NewUserInput>, 'username' | 'password' | 'email' | 'name'>,
): Promise<User> {
  const { db, clock, audit } = deps
  if (!(await setupLinkUsable(deps, token))) throw new Invalid(DEAD_LINK, 'token')
  if (input.password === null) throw new Invalid('password: choose a password', 'password')
  const row = await newUserRow(deps, { ...input, isAdmin: true })
  const link = await usableLink(deps, 'setup', token)
  let number = 0
  try {
    await db.transaction().execute(async (trx) => {
      if (!link || !(await repo.useOneTimeLink(trx, link.id, clock.now())) || (await repo.anyUserExists(trx)))
        throw new Invalid(DEAD_LINK, 'token')
      number = await insertUser(trx, row)
      await audit.record({ type: 'user.created', userId: row.id, detail: { by: 'setup' } }, trx)
      await audit.record({ type: 'setup.completed', userId: row.id }, trx)
    })
  } catch (e) {
    if (!(e instanceof Invalid)) await requireNewUserFree(deps, row)
    throw e
  }
  return userRowToUser({ ...row, number })
}

/**
 * An administrator's (or the operator's, `actorUserId` null) password-reset link for a user; the
 * user's previous unused link stops working.
 */
export async function makeResetLink(
  deps: LinkDeps,
  userId: string,
  actorUserId: string | null,
): Promise<OneTimeLink & { user: User }> {
  const row = await findUserById(deps.db, userId)
  if (!row) throw new NotFound('no such user', 'id')
  const link = await deps.db.transaction().execute(async (trx) => {
    const made = await makeLink(deps, trx, 'password_reset', row.id, actorUserId, RESET_LINK_TTL)
    await deps.audit.record(
      { type: 'user.reset_link_created', actorUserId, userId: row.id, detail: { expiresAt: made.expiresAt } },
      trx,
    )
    return made
  })
  return { ...link, user: userRowToUser(row) }
}

/** The account a reset token is for, if the token can still be used. */
export async function resetLinkUser(
  deps: Pick<LinkDeps, 'db' | 'clock'>,
  token: string | undefined,
): Promise<User | undefined> {
  const link = await usableLink(deps, 'password_reset', token)
  const row = link?.user_id ? await findUserById(deps.db, link.user_id) : undefined
  return row && userRowToUser(row)
}

/**
 * Sets the password through a reset link: the link is used and the password written in one
 * transaction; every session of the user ends and the sign-in lockout is lifted (as setUserPassword).
 */
export async function completeReset(
  deps: LinkDeps & Pick<UserDeps, 'hasher' | 'rateLimits'>,
  token: string | undefined,
  password: string,
  ip: string | null,
): Promise<User> {
  const { db, clock, audit, hasher, rateLimits } = deps
  const link = await usableLink(deps, 'password_reset', token)
  const row = link?.user_id ? await findUserById(db, link.user_id) : undefined
  if (!link || !row) throw new Invalid(DEAD_LINK, 'token')
  const hash = await hasher.hash(parseOrInvalid(PasswordInput, password, 'password'))
  await db.transaction().execute(async (trx) => {
    if (!(await repo.useOneTimeLink(trx, link.id, clock.now()))) throw new Invalid(DEAD_LINK, 'token')
    await writePassword(trx, clock.now(), row.id, hash)
    await audit.record({ type: 'user.password_reset_by_link', userId: row.id, ip }, trx)
  })
  await rateLimits.reset('loginPerUsername', row.username)
  return userRowToUser({ ...row, password_hash: hash })
}

/** The one-time link operations bound to their dependencies (`services.links`). */
export function createLinkService(deps: LinkDeps & Pick<UserDeps, 'hasher' | 'rateLimits'>) {
  return {
    makeSetup: () => makeSetupLink(deps),
    setupUsable: (token: string | undefined) => setupLinkUsable(deps, token),
    completeSetup: (
      token: string | undefined,
      input: Pick<z.input<typeof NewUserInput>, 'username' | 'password' | 'email' | 'name'>,
    ) => completeSetup(deps, token, input),
    makeReset: (userId: string, actorUserId: string | null = null) => makeResetLink(deps, userId, actorUserId),
    resetUser: (token: string | undefined) => resetLinkUser(deps, token),
    completeReset: (token: string | undefined, password: string, ip: string | null) =>
      completeReset(deps, token, password, ip),
  }
}
export type LinkService = ReturnType<typeof createLinkService>
