/**
 * Issue 16: the forges' own user APIs, called as an application that "logs in with GitLab/Gitea"
 * calls them, through the forges' published npm clients over a real socket: @gitbeaker/rest
 * (GitLab's `Users.showCurrentUser`, GET /api/v4/user) and gitea-js (generated from Gitea's swagger,
 * `user.userGetCurrent`, GET /api/v1/user). Each decodes `id` as the integer those forges send.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest'
import { giteaApi } from 'gitea-js'
import { setup, tokensFor, type Env } from '../helpers/flows.ts'

let env: Env
let oauthToken: string
let identityOnly: string
let personal: string

beforeAll(async () => {
  env = await setup({ socket: true }) // the clients open their own connections
  oauthToken = (await tokensFor(env, env.f.C1, { scope: 'openid read_user' })).access_token
  identityOnly = (await tokensFor(env, env.f.C1, { scope: 'openid profile email' })).access_token
  personal = (await env.server.provider.services.tokens.issuePersonal(env.f.alice.id, ['read_user'], null)).token
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

/** Gitbeaker's refusal: the status and the body it read. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(GitbeakerRequestError)
  const cause = (error as GitbeakerRequestError).cause as { response: Response; description: string }
  return { status: cause.response.status, body: cause.description }
}

describe('issue 16: @gitbeaker/rest against GET /api/v4/user', () => {
  test('Users.showCurrentUser with an OAuth token (oauthToken: Authorization: Bearer)', async () => {
    const api = new Gitlab({ host: env.server.url, oauthToken })
    const me = await api.Users.showCurrentUser()
    expect(me).toMatchObject({ id: env.f.alice.number, username: 'alice', name: 'Alice Liddell', state: 'active' })
    expect(Number.isInteger(me.id)).toBe(true)
    expect(me.email).toBe('alice@example.com')
  })

  test('Users.showCurrentUser with a personal token (token: PRIVATE-TOKEN)', async () => {
    const api = new Gitlab({ host: env.server.url, token: personal })
    expect(await api.Users.showCurrentUser()).toMatchObject({ id: env.f.alice.number, username: 'alice' })
  })

  test('a token without read_user: the client reports 403 insufficient_scope', async () => {
    const api = new Gitlab({ host: env.server.url, oauthToken: identityOnly })
    const { status, body } = await refusal(api.Users.showCurrentUser())
    expect(status).toBe(403)
    expect(body).toBe('insufficient_scope') // gitbeaker reads the body's `error`
  })

  test('an unknown token: the client reports 401 Unauthorized', async () => {
    const api = new Gitlab({ host: env.server.url, token: 'lk_pat_unknown' })
    const { status, body } = await refusal(api.Users.showCurrentUser())
    expect(status).toBe(401)
    expect(body).toBe('401 Unauthorized')
  })
})

describe('issue 16: gitea-js against GET /api/v1/user', () => {
  test('user.userGetCurrent with the OAuth token (Authorization: Bearer)', async () => {
    const api = giteaApi(env.server.url, { token: oauthToken })
    const { data } = await api.user.userGetCurrent()
    expect(data).toMatchObject({ id: env.f.alice.number, login: 'alice', full_name: 'Alice Liddell', active: true })
    expect(Number.isInteger(data.id)).toBe(true)
  })

  test('user.userGetCurrent with Authorization: token and with ?access_token=', async () => {
    const api = giteaApi(env.server.url)
    const byHeader = await api.user.userGetCurrent({ headers: { Authorization: `token ${personal}` } })
    expect(byHeader.data.login).toBe('alice')
    const { data } = await api.request<{ login: string }>({
      path: '/user',
      method: 'GET',
      query: { access_token: oauthToken },
      format: 'json',
    })
    expect(data.login).toBe('alice')
  })

  test("a token without read:user: the client gets 403 and Gitea's APIError", async () => {
    const api = giteaApi(env.server.url, { token: identityOnly })
    const failed = (await api.user.userGetCurrent().catch((e: unknown) => e)) as Response & { error: unknown }
    expect(failed.status).toBe(403)
    expect(failed.error).toEqual({
      message: 'token does not have at least one of required scope(s): [read:user]',
      url: `${env.server.config.issuer}/api/swagger`,
    })
  })
})
