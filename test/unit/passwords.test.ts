/** Argon2id parameters and the bounded password hasher (issue 5: hashing must not starve everything else). */
import { describe, expect, test } from 'bun:test'
import {
  ARGON2_PARAMS,
  createPasswordHasher,
  needsRehash,
  PasswordHasherBusy,
  QUEUED_PER_SLOT,
  resolvePasswordConcurrency,
} from '../../src/crypto/passwords.ts'
import { loadConfig } from '../../src/config.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

describe('password hasher', () => {
  test('hashes with explicit Argon2id parameters at OWASP’s minimum (m=19 MiB, t=2, p=1) and verifies', async () => {
    expect(ARGON2_PARAMS).toEqual({ algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 })
    const hasher = createPasswordHasher(2)
    const hash = await hasher.hash('correct horse')
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true)
    expect(needsRehash(hash)).toBe(false)
    expect(await hasher.verify('correct horse', hash)).toBe(true)
    expect(await hasher.verify('wrong horse', hash)).toBe(false)
    expect(await hasher.verify('x', 'not a hash')).toBe(false)
  })

  test('hashes made with other parameters (Bun’s defaults, bcrypt) still verify, flagged for rehash', async () => {
    const old = await Bun.password.hash('pw-1234567', { algorithm: 'argon2id', memoryCost: 8192, timeCost: 1 })
    expect(needsRehash(old)).toBe(true)
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true)
    expect(await createPasswordHasher(1).verify('pw-1234567', old)).toBe(true)
  })

  test(
    'never runs more than `concurrency` at once; the rest wait in FIFO order; beyond the ' +
      'queue, PasswordHasherBusy at once',
    async () => {
      const hasher = createPasswordHasher(2, 3)
      const hash = await hasher.hash('pw')
      let peak = 0
      const order: number[] = []
      const calls = Array.from({ length: 8 }, (_, i) =>
        hasher.verify('pw', hash).then(
          (ok) => {
            order.push(i)
            return ok
          },
          (e) => e,
        ),
      )
      const poll = setInterval(() => (peak = Math.max(peak, hasher.stats().running)), 1)
      const results = await Promise.all(calls)
      clearInterval(poll)
      expect(results.slice(0, 5)).toEqual([true, true, true, true, true]) // 2 running + 3 queued
      for (const r of results.slice(5)) expect(r).toBeInstanceOf(PasswordHasherBusy)
      expect(peak).toBeLessThanOrEqual(2)
      expect(order).toHaveLength(5)
      expect(hasher.stats()).toEqual({ running: 0, queued: 0, refused: 3 })
      expect(await hasher.verify('pw', hash)).toBe(true) // usable again once drained
    },
  )

  test('with one slot, queued callers run in arrival order', async () => {
    const hasher = createPasswordHasher(1, 4)
    const hash = await hasher.hash('pw')
    const order: number[] = []
    await Promise.all(Array.from({ length: 5 }, (_, i) => hasher.verify('pw', hash).then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2, 3, 4])
  })

  test('a failing hash releases its slot', async () => {
    const hasher = createPasswordHasher(1, 0)
    await expect(hasher.hash('')).rejects.toThrow() // Bun.password refuses an empty password
    expect(hasher.stats().running).toBe(0)
    expect(typeof (await hasher.hash('again'))).toBe('string')
  })

  test('config: passwordConcurrency defaults to 0 = half the cores (at least 1); flag and env set it', () => {
    const base = { flags: {}, env: {} }
    expect(loadConfig(base).passwordConcurrency).toBe(0)
    expect(loadConfig({ flags: { 'password-concurrency': '3' }, env: {} }).passwordConcurrency).toBe(3)
    expect(loadConfig({ flags: {}, env: { LATCHKEY_PASSWORD_CONCURRENCY: '4' } }).passwordConcurrency).toBe(4)
    expect(() => loadConfig({ flags: { 'password-concurrency': '-1' }, env: {} })).toThrow(/--password-concurrency/)
    expect(resolvePasswordConcurrency(0, 1)).toBe(1)
    expect(resolvePasswordConcurrency(0, 2)).toBe(1)
    expect(resolvePasswordConcurrency(0, 8)).toBe(4)
    expect(resolvePasswordConcurrency(3, 8)).toBe(3)
  })
})

describe('login flood', () => {
  test(
    'with one slot, a burst of sign-ins gets 303s and quick 503s with Retry-After (never a ' +
      '500), and failures are not counted against the user',
    async () => {
      await using server = await startServer({ config: { passwordConcurrency: 1 } })
      const users = server.provider.services.users
      expect(users.passwordHasher.concurrency).toBe(1)
      expect(users.passwordHasher.maxQueued).toBe(QUEUED_PER_SLOT)
      await users.create({ username: 'flood', password: PASSWORD })
      const page = await fetch(`${server.url}/login?return_to=/`)
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!
      const body = new URLSearchParams({
        csrf_token: csrf,
        username: 'flood',
        password: PASSWORD,
        return_to: '/',
      }).toString()
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${server.url}/login`, {
            method: 'POST',
            redirect: 'manual',
            headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
            body,
          }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), text: await r.text() })),
        ),
      )
      const statuses = answers.map((a) => a.status)
      expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(1 + QUEUED_PER_SLOT)
      const busy = answers.filter((a) => a.status === 503)
      expect(busy.length).toBeGreaterThan(0)
      expect(statuses.every((s) => s === 303 || s === 503)).toBe(true)
      for (const b of busy) {
        expect(b.retryAfter).toBe('1')
        expect(b.text).toContain('Too many sign-ins at this moment')
      }
      // A 503 is the server's load, not a guess: the account is not locked.
      expect(await users.authenticate('flood', PASSWORD)).toBeDefined()
    },
  )

  test(
    'OWASP Authentication Cheat Sheet (resource exhaustion): while every slot and the queue ' +
      'are taken, a sign-in gets 503 before any rate-limit or user read',
    async () => {
      await using server = await startServer({ config: { passwordConcurrency: 1 } })
      const { users, rateLimits } = server.provider.services
      await users.create({ username: 'early', password: PASSWORD })
      const page = await fetch(`${server.url}/login?return_to=/`)
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!
      const signIn = () =>
        fetch(`${server.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf_token: csrf, username: 'early', password: PASSWORD, return_to: '/' }),
        })

      const hasher = users.passwordHasher
      expect(hasher.refuseIfSaturated()).toBeUndefined()
      // The slot and the queue are held by verifications that end only when the test says so, so a
      // slow machine cannot free a place before the sign-in arrives.
      const HELD = '$held$'
      let release!: () => void
      const gate = new Promise<boolean>((resolve) => (release = () => resolve(false)))
      const realVerify = Bun.password.verify
      Bun.password.verify = ((password: string, hash: string, ...rest: never[]) =>
        hash === HELD ? gate : realVerify(password, hash, ...rest)) as typeof realVerify
      const held = Array.from({ length: 1 + hasher.maxQueued }, () => hasher.verify(PASSWORD, HELD))
      const reads: string[] = []
      const { retryAfter } = rateLimits
      const { authenticate } = users
      rateLimits.retryAfter = (...a) => {
        reads.push('rate limit')
        return retryAfter(...a)
      }
      users.authenticate = (...a) => {
        reads.push('user')
        return authenticate(...a)
      }
      try {
        const refusedBefore = hasher.stats().refused
        const busy = await signIn()
        expect(busy.status).toBe(503)
        expect(busy.headers.get('retry-after')).toBe('1')
        expect(await busy.text()).toContain('Too many sign-ins at this moment')
        expect(reads).toEqual([])
        expect(hasher.stats().refused).toBe(refusedBefore + 1)
        release()
        await Promise.all(held)
        expect(hasher.refuseIfSaturated()).toBeUndefined()
        expect((await signIn()).status).toBe(303)
        expect(reads).toEqual(['rate limit', 'rate limit', 'user'])
      } finally {
        release()
        Bun.password.verify = realVerify
        rateLimits.retryAfter = retryAfter
        users.authenticate = authenticate
      }
    },
  )

  test('a hash made with older parameters is replaced after a successful sign-in', async () => {
    await using server = await startServer()
    const { users } = server.provider.services
    const user = await users.create({ username: 'legacy', password: PASSWORD })
    const db = server.db
    const old = await Bun.password.hash(PASSWORD, { algorithm: 'argon2id', memoryCost: 8192, timeCost: 1 })
    await db.updateTable('users').set({ password_hash: old }).where('id', '=', user.id).execute()
    expect(await users.authenticate('legacy', 'wrong password')).toBeUndefined()
    expect(
      (await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow())
        .password_hash,
    ).toBe(old)
    expect(await users.authenticate('legacy', PASSWORD)).toBeDefined()
    const now = (
      await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
    ).password_hash
    expect(needsRehash(now)).toBe(false)
    expect(await users.authenticate('legacy', PASSWORD)).toBeDefined()
  })
})
