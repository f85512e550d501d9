/**
 * Helpers for the GraphQL admin API tests: the checklist's cast (root the administrator, alice and
 * bob the users) with a token per access level, and a `gql` call over real HTTP.
 */
import type { HandlerServices } from '../../src/services/index.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import type { TestServer } from '../helpers/server.ts'

export interface GqlResult<T = any> {
  status: number
  headers: Headers
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }
}

export async function gql<T = any>(
  server: { url: string },
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  })
  const text = await res.text()
  let body: GqlResult<T>['body']
  try {
    body = JSON.parse(text)
  } catch {
    body = { errors: [{ message: text }] }
  }
  return { status: res.status, headers: res.headers, body }
}

/** The data of a request that must succeed without errors. */
export async function ok<T = any>(
  server: { url: string },
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const r = await gql<T>(server, token, query, variables)
  if (r.status !== 200 || r.body.errors) throw new Error(`GraphQL failed (${r.status}): ${JSON.stringify(r.body)}`)
  return r.body.data as T
}

export const REDIRECT = 'https://app.example/cb'

export async function seedAdminWorld(services: HandlerServices) {
  const root = await services.users.create({ username: 'root', password: PASSWORD, isAdmin: true })
  const alice = await services.users.create({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
  const bob = await services.users.create({ username: 'bob', email: 'bob@example.com', password: PASSWORD })
  const personal = async (userId: string, scopes: string[]) =>
    (await services.tokens.issuePersonal(userId, scopes, null)).token
  const aliceApp = await services.applications.create({
    name: 'Alice app',
    redirectUris: [REDIRECT],
    scopes: ['openid', 'read_user'],
    ownerId: alice.id,
  })
  const bobApp = await services.applications.create({
    name: 'Bob app',
    redirectUris: [REDIRECT],
    scopes: ['openid', 'read_user'],
    ownerId: bob.id,
  })
  return {
    root,
    alice,
    bob,
    aliceApp,
    bobApp,
    tokens: {
      admin: await personal(root.id, ['admin']),
      adminRead: await personal(root.id, ['admin:read']),
      /** root's token without an admin scope: a viewer like anyone else. */
      rootViewer: await personal(root.id, ['api']),
      alice: await personal(alice.id, ['api']),
      aliceReadUser: await personal(alice.id, ['read_user']),
      bob: await personal(bob.id, ['api']),
      /** A non-admin holding the admin scope gains nothing from it. */
      bobAdminScope: await personal(bob.id, ['admin']),
      openidOnly: await personal(alice.id, ['openid']),
    },
  }
}

/** The relay global id of an object, as the API encodes it. */
export function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64')
}

export type World = Awaited<ReturnType<typeof seedAdminWorld>>
export type { TestServer }
