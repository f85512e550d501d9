/** Users and applications of the security checklist's notation: alice, bob, C1, C2, P1. */
import type { HandlerServices } from '../../src/services/index.ts'

export const PASSWORD = 'correct horse battery staple'
export const R1 = 'https://c1.example/cb'
export const R1B = 'https://c1.example/cb2'
export const P1_URI = 'http://127.0.0.1/cb'

export interface Client {
  clientId: string
  secret: string | null
  redirectUri: string
}

export async function seed(services: HandlerServices) {
  const alice = await services.users.create({
    username: 'alice',
    email: 'alice@example.com',
    name: 'Alice Liddell',
    password: PASSWORD,
  })
  const bob = await services.users.create({ username: 'bob', email: 'bob@example.com', password: PASSWORD })
  const c1 = await services.applications.create({
    name: 'Client One <b>',
    redirectUris: [R1, R1B],
    scopes: ['openid', 'profile', 'email', 'read_user'],
  })
  const c2 = await services.applications.create({
    name: 'Client Two',
    redirectUris: ['https://c2.example/cb'],
    scopes: ['openid', 'profile', 'email'],
  })
  const p1 = await services.applications.create({
    name: 'Native',
    redirectUris: [P1_URI],
    isPublic: true,
    scopes: ['openid', 'profile', 'read_user'],
  })
  const rs = await services.applications.create({
    name: 'Resource server',
    redirectUris: ['https://rs.example/cb'],
    canIntrospect: true,
    scopes: ['openid'],
  })
  const client = (c: Awaited<ReturnType<typeof services.applications.create>>, redirectUri: string): Client => ({
    clientId: c.application.clientId,
    secret: c.clientSecret,
    redirectUri,
  })
  return {
    alice,
    bob,
    C1: client(c1, R1),
    C2: client(c2, 'https://c2.example/cb'),
    P1: client(p1, P1_URI),
    RS: client(rs, 'https://rs.example/cb'),
  }
}
