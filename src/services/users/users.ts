/**
 * @module
 * Users: accounts that log in and own applications. Passwords are Argon2id hashes only. Functions
 * with their dependencies named as parameters (like sessions/sessions.ts); the password hasher is
 * one of them, made once and bound by createUserService.
 */
import { z } from 'zod'
import { newId } from '../../crypto/ids.ts'
import {
  createPasswordHasher,
  needsRehash,
  resolvePasswordConcurrency,
  type PasswordHasher,
} from '../../crypto/passwords.ts'
import * as repo from '../../store/repositories/users.ts'
import { revokeOtherSessionsOfUser, revokeSessionsOfUser } from '../../store/repositories/sessions.ts'
import { revokeTokensOfUser } from '../../store/repositories/tokens.ts'
import { invalidateOutstandingCodes } from '../../store/repositories/authorization-codes.ts'
import { denyApprovedDeviceCodes } from '../../store/repositories/device-codes.ts'
import type { Db } from '../../store/database.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, Forbidden, Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import type { RateLimitService } from '../shared/rate-limits.ts'

export interface User {
  id: string
  /** A stable integer (never reused), the `id` of the forges' user APIs (issue 16). */
  number: number
  username: string
  email: string | null
  /** Issue 16: an administrator vouched for `email` (the `email_verified` claim, OIDC Core §5.1). */
  emailVerified: boolean
  name: string | null
  isAdmin: boolean
  disabled: boolean
  createdAt: number
  updatedAt: number
}

export function userRowToUser(row: repo.UserRow): User {
  return {
    id: row.id,
    number: row.number,
    username: row.username,
    email: row.email,
    emailVerified: row.email !== null && row.email_verified === 1,
    name: row.name,
    isAdmin: row.is_admin === 1,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export const NewUserInput = z.object({
  username: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  email: z.email().max(254).nullish(),
  name: z.string().trim().min(1).max(200).nullish(),
  isAdmin: z.boolean().default(false),
  /** Issue 16: the administrator vouches for the address; needs one. */
  emailVerified: z.boolean().default(false),
  /**
   * Null (issue 17): an account nobody can sign in to until its user sets a password through a
   * one-time link (users/links.ts), an invitation.
   */
  password: z.string().min(8, 'at least 8 characters').max(1024).nullable(),
})
/** What may change on an account: an absent field is unchanged, null clears the e-mail or name. */
export const UserPatch = z.object({
  email: NewUserInput.shape.email,
  name: NewUserInput.shape.name,
  isAdmin: NewUserInput.shape.isAdmin.unwrap().optional(),
  /** A changed address is unverified unless this same patch says true again. */
  emailVerified: NewUserInput.shape.emailVerified.unwrap().optional(),
})
export const PasswordInput = z.string().min(8, 'at least 8 characters').max(1024)

/**
 * The stored hash of an account without a password (issue 17: invited, not yet set). It is no PHC
 * string, so nothing verifies against it; authenticateUser checks it against the dummy hash instead.
 */
export const NO_PASSWORD = '!'

/**
 * Ends everything a user holds: sessions, access and refresh tokens, unredeemed authorization and
 * device codes. Grants (consents) are kept, so a re-enabled user is not asked again.
 */
async function endEverythingOf(trx: Db, userId: string, now: number): Promise<void> {
  await revokeSessionsOfUser(trx, userId, now)
  await revokeTokensOfUser(trx, userId, now)
  await invalidateOutstandingCodes(trx, userId, null, now)
  await denyApprovedDeviceCodes(trx, userId, null)
}

/** What the account operations use; each one names the part it needs (Pick). */
export interface UserDeps extends Pick<ServiceDeps, 'db' | 'clock'> {
  audit: Pick<AuditService, 'record'>
  /** Bounds concurrent Argon2id work (config `passwordConcurrency`); one per provider. */
  hasher: PasswordHasher
  rateLimits: Pick<RateLimitService, 'retryAfter' | 'reset' | 'recordFailure'>
}
type ChangeDeps = Pick<UserDeps, 'db' | 'clock' | 'audit'>

async function requireUser({ db }: Pick<UserDeps, 'db'>, username: string): Promise<repo.UserRow> {
  const row = await repo.findUserByUsername(db, username)
  if (!row) throw new NotFound(`no user named ${username}`, 'username')
  return row
}

/** Throws Conflict when another account (not `exceptUserId`) holds this address, in any case. */
/** Issue 16: "verified" is said of an address; with none there is nothing to vouch for. */
function requireEmailToVerify(email: string | null | undefined, verified: boolean | undefined): void {
  if (verified && !email)
    throw new Invalid('an account without an e-mail address cannot be marked verified', 'emailVerified')
}

export async function requireEmailFree(
  { db }: Pick<UserDeps, 'db'>,
  email: string,
  exceptUserId?: string,
): Promise<void> {
  const holder = await repo.findUserByEmail(db, email)
  if (holder && holder.id !== exceptUserId)
    throw new Conflict('this e-mail address belongs to another account', 'email')
}

/**
 * Usernames and e-mail addresses are unique regardless of case, and sign-in ignores case
 * (issue 14 §3): forges link accounts by e-mail and lowercase username.
 */
export async function createUser(
  deps: Pick<UserDeps, 'db' | 'clock' | 'audit' | 'hasher'>,
  input: z.input<typeof NewUserInput>,
): Promise<User> {
  const { db, audit } = deps
  const row = await newUserRow(deps, input)
  let number = 0
  try {
    await db.transaction().execute(async (trx) => {
      number = await repo.insertUser(trx, row)
      await audit.record({ type: 'user.created', userId: row.id }, trx)
    })
  } catch (e) {
    // A concurrent create took the name or address first: the unique index said no.
    await requireNewUserFree(deps, row)
    throw e
  }
  return userRowToUser({ ...row, number })
}

/**
 * A new account's row, checked (input rules, name and address free) and its password hashed, ready
 * for repo.insertUser in the caller's transaction: createUser's, or the first run's (users/links.ts).
 */
export async function newUserRow(
  deps: Pick<UserDeps, 'db' | 'clock' | 'hasher'>,
  input: z.input<typeof NewUserInput>,
): Promise<Omit<repo.UserRow, 'number'>> {
  const { clock, hasher } = deps
  const parsed = parseOrInvalid(NewUserInput, input)
  requireEmailToVerify(parsed.email, parsed.emailVerified)
  const now = clock.now()
  const row: Omit<repo.UserRow, 'number'> = {
    id: newId(),
    username: parsed.username,
    email: parsed.email ?? null,
    name: parsed.name ?? null,
    password_hash: NO_PASSWORD,
    is_admin: parsed.isAdmin ? 1 : 0,
    email_verified: parsed.emailVerified ? 1 : 0,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  }
  await requireNewUserFree(deps, row)
  if (parsed.password !== null) row.password_hash = await hasher.hash(parsed.password)
  return row
}

/** Throws Conflict when the new account's username or address is taken (in any case). */
export async function requireNewUserFree(
  deps: Pick<UserDeps, 'db'>,
  row: Pick<repo.UserRow, 'username' | 'email'>,
): Promise<void> {
  if (await repo.findUserByUsername(deps.db, row.username))
    throw new Conflict(`username ${row.username} is taken`, 'username')
  if (row.email) await requireEmailFree(deps, row.email)
}

export async function listUsers({ db }: Pick<UserDeps, 'db'>): Promise<User[]> {
  return (await repo.listUsers(db)).map(userRowToUser)
}

export async function userByUsername({ db }: Pick<UserDeps, 'db'>, username: string): Promise<User | undefined> {
  const row = await repo.findUserByUsername(db, username)
  return row && userRowToUser(row)
}

export async function userById({ db }: Pick<UserDeps, 'db'>, id: string): Promise<User | undefined> {
  const row = await repo.findUserById(db, id)
  return row && userRowToUser(row)
}

export async function updateUser(
  deps: ChangeDeps,
  username: string,
  patch: z.input<typeof UserPatch>,
  actorUserId: string | null = null,
): Promise<User> {
  const { db, clock, audit } = deps
  const row = await requireUser(deps, username)
  const p = parseOrInvalid(UserPatch, patch)
  if (p.email) await requireEmailFree(deps, p.email, row.id)
  // Issue 16: a new address is unverified until someone vouches for it, in this same call or later.
  const changed = p.email !== undefined && (p.email ?? null)?.toLowerCase() !== row.email?.toLowerCase()
  const verified = p.emailVerified ?? (changed ? false : undefined)
  requireEmailToVerify(p.email === undefined ? row.email : p.email, p.emailVerified)
  const set = {
    ...(p.email !== undefined && { email: p.email }),
    ...(verified !== undefined && { email_verified: verified ? 1 : 0 }),
    ...(p.name !== undefined && { name: p.name }),
    ...(p.isAdmin !== undefined && { is_admin: p.isAdmin ? 1 : 0 }),
    updated_at: clock.now(),
  }
  await db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, row.id, set)
    await audit.record({ type: 'user.updated', actorUserId, userId: row.id, detail: { fields: Object.keys(p) } }, trx)
  })
  return userRowToUser({ ...row, ...set })
}

/**
 * Sets a new password and ends the user's sessions. It also lifts a sign-in lockout: whoever
 * sets a password has just decided who may sign in with it.
 */
export async function setUserPassword(
  deps: ChangeDeps & Pick<UserDeps, 'hasher'> & { rateLimits: Pick<RateLimitService, 'reset'> },
  username: string,
  password: string,
  actorUserId: string | null = null,
): Promise<User> {
  const { db, clock, audit, hasher, rateLimits } = deps
  const row = await requireUser(deps, username)
  const hash = await hasher.hash(parseOrInvalid(PasswordInput, password, 'password'))
  await db.transaction().execute(async (trx) => {
    await writePassword(trx, clock.now(), row.id, hash)
    await audit.record({ type: 'user.password_set', actorUserId, userId: row.id }, trx)
  })
  await rateLimits.reset('loginPerUsername', row.username)
  return userRowToUser({ ...row, password_hash: hash })
}

/**
 * The one way a password is replaced, inside the caller's transaction: the new hash, and every
 * session of the user ends except `keepSessionId` (the session of a user changing their own).
 * Whoever calls it then lifts the sign-in lockout (rateLimits.reset), as setUserPassword does.
 */
export async function writePassword(
  trx: Db,
  now: number,
  userId: string,
  hash: string,
  keepSessionId?: string,
): Promise<void> {
  await repo.updateUser(trx, userId, { password_hash: hash, updated_at: now })
  if (keepSessionId === undefined) await revokeSessionsOfUser(trx, userId, now)
  else await revokeOtherSessionsOfUser(trx, userId, keepSessionId, now)
}

/**
 * Issue 17: a signed-in user changes their own password, giving the current one. A wrong current
 * password counts as a failed sign-in for the username (the same lockout), and the limit applies
 * before any check. Every other session of the user ends; `keepSessionId` (this one) stays.
 */
export async function changeOwnPassword(
  deps: ChangeDeps & Pick<UserDeps, 'hasher' | 'rateLimits'>,
  userId: string,
  current: string,
  next: string,
  keepSessionId: string,
): Promise<User> {
  const { db, clock, audit, hasher, rateLimits } = deps
  const row = await repo.findUserById(db, userId)
  if (!row || row.disabled_at !== null) throw new NotFound('no such account', 'currentPassword')
  if ((await rateLimits.retryAfter('loginPerUsername', row.username)) > 0)
    throw new Forbidden('too many wrong passwords; wait a few minutes and try again', 'currentPassword')
  const password = parseOrInvalid(PasswordInput, next, 'newPassword')
  const ok = row.password_hash !== NO_PASSWORD && (await hasher.verify(current, row.password_hash))
  if (!ok) {
    await rateLimits.recordFailure('loginPerUsername', row.username)
    throw new Invalid('this is not your current password', 'currentPassword')
  }
  const hash = await hasher.hash(password)
  await db.transaction().execute(async (trx) => {
    await writePassword(trx, clock.now(), row.id, hash, keepSessionId)
    await audit.record({ type: 'user.password_changed', actorUserId: row.id, userId: row.id }, trx)
  })
  await rateLimits.reset('loginPerUsername', row.username)
  return userRowToUser({ ...row, password_hash: hash })
}

/** Disabling ends the user's sessions and revokes every token they hold (Gitea issue 19111). */
export async function disableUser(
  deps: ChangeDeps,
  username: string,
  actorUserId: string | null = null,
): Promise<User> {
  const { db, clock, audit } = deps
  const row = await requireUser(deps, username)
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, row.id, { disabled_at: now, updated_at: now })
    await endEverythingOf(trx, row.id, now)
    await audit.record({ type: 'user.disabled', actorUserId, userId: row.id }, trx)
  })
  return userRowToUser({ ...row, disabled_at: now, updated_at: now })
}

/** Lets a disabled user sign in again. Tokens revoked by disabling stay revoked. */
export async function enableUser(deps: ChangeDeps, username: string, actorUserId: string | null = null): Promise<User> {
  const { db, clock, audit } = deps
  const row = await requireUser(deps, username)
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, row.id, { disabled_at: null, updated_at: now })
    await audit.record({ type: 'user.enabled', actorUserId, userId: row.id }, trx)
  })
  return userRowToUser({ ...row, disabled_at: null, updated_at: now })
}

/**
 * Deletes the account. Everything it holds ends first (sessions, tokens, codes), then the row
 * goes and takes its grants, sessions, codes and tokens with it; applications it owned stay,
 * without an owner. Audit events are kept (they hold the user's id, and `user.deleted` records
 * the username), so the history of what the account did survives it.
 */
export async function deleteUser(
  deps: ChangeDeps & { rateLimits: Pick<RateLimitService, 'reset'> },
  username: string,
  actorUserId: string | null = null,
): Promise<User> {
  const { db, clock, audit, rateLimits } = deps
  const row = await requireUser(deps, username)
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await endEverythingOf(trx, row.id, now)
    await repo.deleteUser(trx, row.id)
    await audit.record({ type: 'user.deleted', actorUserId, userId: row.id, detail: { username: row.username } }, trx)
  })
  await rateLimits.reset('loginPerUsername', row.username)
  return userRowToUser(row)
}

/** Seconds until the username may try to sign in again after too many failures; 0 when it may now. */
export function loginLockedFor(
  { rateLimits }: { rateLimits: Pick<RateLimitService, 'retryAfter'> },
  username: string,
): Promise<number> {
  return rateLimits.retryAfter('loginPerUsername', username)
}

/**
 * Lifts the lockout after too many failed sign-ins (10 in 15 minutes per username), which
 * anyone who knows a username can cause. The per-address limit is left alone.
 */
export async function clearLoginLockout(
  deps: Pick<UserDeps, 'db' | 'audit'> & { rateLimits: Pick<RateLimitService, 'reset'> },
  username: string,
  actorUserId: string | null = null,
): Promise<User> {
  const row = await requireUser(deps, username)
  await deps.rateLimits.reset('loginPerUsername', row.username)
  await deps.audit.record({ type: 'user.lockout_cleared', actorUserId, userId: row.id })
  return userRowToUser(row)
}

/**
 * Checks a username and password. Unknown users, disabled users and wrong passwords all return
 * undefined after the same Argon2id work, so the answer reveals nothing. A saturated hasher throws
 * PasswordHasherBusy.
 */
export async function authenticateUser(
  { db, hasher }: Pick<UserDeps, 'db' | 'hasher'>,
  username: string,
  password: string,
): Promise<User | undefined> {
  const row = await repo.findUserByUsername(db, username)
  // An account without a password (invited) costs the same Argon2id work as an unknown one.
  const stored = row && row.password_hash !== NO_PASSWORD ? row.password_hash : undefined
  const ok = (await hasher.verify(password, stored ?? (await hasher.dummyHash()))) && stored !== undefined
  if (!row || !ok || row.disabled_at !== null) return undefined
  if (needsRehash(row.password_hash)) await upgradeHash({ db, hasher }, row, password)
  return userRowToUser(row)
}

/** A hash made with older parameters is replaced after a successful login; best effort. */
async function upgradeHash(
  { db, hasher }: Pick<UserDeps, 'db' | 'hasher'>,
  row: repo.UserRow,
  password: string,
): Promise<void> {
  try {
    const hash = await hasher.hash(password)
    await repo.replacePasswordHash(db, row.id, row.password_hash, hash)
  } catch {
    // Busy or a failed write: the old hash still verifies; try again on a later login.
  }
}

/**
 * The account operations bound to their dependencies (`services.users`). `hasher` is made here once
 * from config `passwordConcurrency` unless given; authenticate and the password setters throw
 * PasswordHasherBusy when it is saturated.
 */
export function createUserService(
  deps: ServiceDeps,
  audit: AuditService,
  rateLimits: RateLimitService,
  hasher: PasswordHasher = createPasswordHasher(resolvePasswordConcurrency(deps.config.passwordConcurrency)),
) {
  const d: UserDeps = { db: deps.db, clock: deps.clock, audit, hasher, rateLimits }
  return {
    create: (input: z.input<typeof NewUserInput>) => createUser(d, input),
    requireEmailFree: (email: string, exceptUserId?: string) => requireEmailFree(d, email, exceptUserId),
    list: () => listUsers(d),
    findByUsername: (username: string) => userByUsername(d, username),
    findById: (id: string) => userById(d, id),
    update: (username: string, patch: z.input<typeof UserPatch>, actorUserId: string | null = null) =>
      updateUser(d, username, patch, actorUserId),
    setPassword: (username: string, password: string, actorUserId: string | null = null) =>
      setUserPassword(d, username, password, actorUserId),
    changeOwnPassword: (userId: string, current: string, next: string, keepSessionId: string) =>
      changeOwnPassword(d, userId, current, next, keepSessionId),
    disable: (username: string, actorUserId: string | null = null) => disableUser(d, username, actorUserId),
    enable: (username: string, actorUserId: string | null = null) => enableUser(d, username, actorUserId),
    delete: (username: string, actorUserId: string | null = null) => deleteUser(d, username, actorUserId),
    lockedFor: (username: string) => loginLockedFor(d, username),
    clearLockout: (username: string, actorUserId: string | null = null) => clearLoginLockout(d, username, actorUserId),
    authenticate: (username: string, password: string) => authenticateUser(d, username, password),
    /** The password hasher's slots and queue (for metrics and tests). */
    passwordHasher: hasher,
  }
}
export type UserService = ReturnType<typeof createUserService>
