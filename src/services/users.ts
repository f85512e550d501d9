/** @module Users: accounts that log in and own applications. Passwords are Argon2id hashes only. */
import { z } from 'zod'
import { newId } from '../crypto/ids.ts'
import { createPasswordHasher, needsRehash, resolvePasswordConcurrency, type PasswordHasher } from '../crypto/passwords.ts'
import * as repo from '../store/repositories/users.ts'
import { revokeSessionsOfUser } from '../store/repositories/sessions.ts'
import { revokeTokensOfUser } from '../store/repositories/tokens.ts'
import { invalidateOutstandingCodes } from '../store/repositories/authorization-codes.ts'
import type { AuditService } from './audit.ts'
import type { ServiceDeps } from './deps.ts'
import { Conflict, Invalid, NotFound } from './errors.ts'

export interface User {
  id: string
  username: string
  email: string | null
  name: string | null
  isAdmin: boolean
  disabled: boolean
  createdAt: number
  updatedAt: number
}

export function userRowToUser(row: repo.UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    name: row.name,
    isAdmin: row.is_admin === 1,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export const NewUserInput = z.object({
  username: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  email: z.email().max(254).nullish(),
  name: z.string().trim().min(1).max(200).nullish(),
  isAdmin: z.boolean().default(false),
  password: z.string().min(8, 'at least 8 characters').max(1024),
})
export const PasswordInput = z.string().min(8, 'at least 8 characters').max(1024)

/**
 * `hasher` bounds concurrent Argon2id work (config `passwordConcurrency`); authenticate and the
 * password setters throw PasswordHasherBusy when it is saturated.
 */
export function createUserService(
  { db, clock, config }: ServiceDeps,
  audit: AuditService,
  hasher: PasswordHasher = createPasswordHasher(resolvePasswordConcurrency(config.passwordConcurrency)),
) {
  async function requireUser(username: string): Promise<repo.UserRow> {
    const row = await repo.findUserByUsername(db, username)
    if (!row) throw new NotFound(`no user named ${username}`, 'username')
    return row
  }

  /** A hash made with older parameters is replaced after a successful login; best effort. */
  async function upgradeHash(row: repo.UserRow, password: string): Promise<void> {
    try {
      const hash = await hasher.hash(password)
      await repo.replacePasswordHash(db, row.id, row.password_hash, hash)
    } catch {
      // Busy or a failed write: the old hash still verifies; try again on a later login.
    }
  }

  return {
    async create(input: z.input<typeof NewUserInput>): Promise<User> {
      const parsed = parseOrInvalid(NewUserInput, input)
      if (await repo.findUserByUsername(db, parsed.username)) throw new Conflict(`username ${parsed.username} is taken`, 'username')
      const now = clock.now()
      const row: repo.UserRow = {
        id: newId(),
        username: parsed.username,
        email: parsed.email ?? null,
        name: parsed.name ?? null,
        password_hash: await hasher.hash(parsed.password),
        is_admin: parsed.isAdmin ? 1 : 0,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      }
      await db.transaction().execute(async (trx) => {
        await repo.insertUser(trx, row)
        await audit.record({ type: 'user.created', userId: row.id }, trx)
      })
      return userRowToUser(row)
    },

    async list(): Promise<User[]> {
      return (await repo.listUsers(db)).map(userRowToUser)
    },

    async findByUsername(username: string): Promise<User | undefined> {
      const row = await repo.findUserByUsername(db, username)
      return row && userRowToUser(row)
    },

    async findById(id: string): Promise<User | undefined> {
      const row = await repo.findUserById(db, id)
      return row && userRowToUser(row)
    },

    async setPassword(username: string, password: string): Promise<User> {
      const row = await requireUser(username)
      const hash = await hasher.hash(parseOrInvalid(PasswordInput, password, 'password'))
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, row.id, { password_hash: hash, updated_at: clock.now() })
        await revokeSessionsOfUser(trx, row.id, clock.now())
        await audit.record({ type: 'user.password_set', userId: row.id }, trx)
      })
      return userRowToUser({ ...row, password_hash: hash })
    },

    /** Disabling ends the user's sessions and revokes every token they hold (Gitea issue 19111). */
    async disable(username: string): Promise<User> {
      const row = await requireUser(username)
      const now = clock.now()
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, row.id, { disabled_at: now, updated_at: now })
        await revokeSessionsOfUser(trx, row.id, now)
        await revokeTokensOfUser(trx, row.id, now)
        await invalidateOutstandingCodes(trx, row.id, null, now)
        await audit.record({ type: 'user.disabled', userId: row.id }, trx)
      })
      return userRowToUser({ ...row, disabled_at: now, updated_at: now })
    },

    /**
     * Checks a username and password. Unknown users, disabled users and wrong passwords all return
     * undefined after the same Argon2id work, so the answer reveals nothing.
     */
    async authenticate(username: string, password: string): Promise<User | undefined> {
      const row = await repo.findUserByUsername(db, username)
      const ok = await hasher.verify(password, row?.password_hash ?? (await hasher.dummyHash()))
      if (!row || !ok || row.disabled_at !== null) return undefined
      if (needsRehash(row.password_hash)) await upgradeHash(row, password)
      return userRowToUser(row)
    },

    /** The password hasher's slots and queue (for metrics and tests). */
    passwordHasher: hasher,
  }
}
export type UserService = ReturnType<typeof createUserService>

export function parseOrInvalid<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.output<S> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const at = field ?? (issue.path.length ? issue.path.join('.') : undefined)
  throw new Invalid(at ? `${at}: ${issue.message}` : issue.message, at)
}
