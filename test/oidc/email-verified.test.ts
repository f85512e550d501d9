/**
 * Issue 16, OIDC Core §5.1: `email_verified` is "true if the End-User's e-mail address has been
 * verified; otherwise false". Latchkey never mails anyone, so only an administrator can vouch for an
 * address; until then the claim says false, and forges refuse to link accounts by it. Changing the
 * address clears the mark unless the same change sets it again. The claim travels in the ID token
 * and at userinfo with the email scope (introspection carries no e-mail claims).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { setup, tokensFor, userinfo, type Env } from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(() => env.server[Symbol.asyncDispose]())

async function claims() {
  const tokens = await tokensFor(env, env.f.C1, { scope: 'openid email' })
  const info = (await (await userinfo(env, tokens.access_token)).json()) as Record<string, unknown>
  return { id: decodeJwt(tokens.id_token!), info }
}

describe('issue 16: email_verified (OIDC Core §5.1)', () => {
  test('an address nobody vouched for is email_verified false in the ID token and at userinfo', async () => {
    const { id, info } = await claims()
    expect(id).toMatchObject({ email: 'alice@example.com', email_verified: false })
    expect(info).toMatchObject({ email: 'alice@example.com', email_verified: false })
  })

  test('once an administrator marks it verified, both say true; unmarking says false again', async () => {
    const { users } = env.server.provider.services
    expect((await users.update('alice', { emailVerified: true })).emailVerified).toBe(true)
    const marked = await claims()
    expect(marked.id.email_verified).toBe(true)
    expect(marked.info.email_verified).toBe(true)
    await users.update('alice', { emailVerified: false })
    expect((await claims()).id.email_verified).toBe(false)
  })

  test('a new address is unverified unless the same change vouches for it', async () => {
    const { users } = env.server.provider.services
    await users.update('alice', { emailVerified: true })
    expect((await users.update('alice', { name: 'Alice' })).emailVerified).toBe(true)
    expect((await users.update('alice', { email: 'ALICE@example.com' })).emailVerified).toBe(true)
    const moved = await users.update('alice', { email: 'alice@new.example' })
    expect(moved.emailVerified).toBe(false)
    expect((await claims()).info).toMatchObject({ email: 'alice@new.example', email_verified: false })
    const vouched = await users.update('alice', { email: 'alice@example.com', emailVerified: true })
    expect(vouched.emailVerified).toBe(true)
    expect((await claims()).id).toMatchObject({ email: 'alice@example.com', email_verified: true })
  })

  test('no address, no mark: it cannot be set without one, and clearing the address clears it', async () => {
    const { users } = env.server.provider.services
    await expect(
      users.create({ username: 'noaddr', password: 'long enough password', emailVerified: true }),
    ).rejects.toMatchObject({ field: 'emailVerified' })
    await users.update('bob', { emailVerified: true })
    expect((await users.update('bob', { email: null })).emailVerified).toBe(false)
    await expect(users.update('bob', { emailVerified: true })).rejects.toMatchObject({ field: 'emailVerified' })
  })
})
