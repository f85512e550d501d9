/**
 * Issue 7: one-time things stay one-time when requests really race, on every engine. Requests are
 * fired together with Promise.all over real HTTP; on PostgreSQL they are spread round robin over
 * three instances sharing one database, so nothing can rely on memory shared between them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { startCluster, type TestCluster } from '../helpers/cluster.ts'
import { ENGINE } from '../helpers/database.ts'
import { seed, type Client } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'

/** How many requests race for one thing, and how many rounds each race runs. */
const RACERS = 4
const ROUNDS = 5

const clock = testClock()
let cluster: TestCluster
let f: Awaited<ReturnType<typeof seed>>
let browser: Browser

beforeAll(async () => {
  cluster = await startCluster({ instances: 3, clock })
  f = await seed(cluster.providers[0]!.services)
  browser = new Browser(cluster.url(0))
  await browser.login()
})
afterAll(() => cluster[Symbol.asyncDispose]())

const services = () => cluster.providers[0]!.services
const together = <T>(n: number, run: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => run(i)))
const statuses = (responses: Response[]) => responses.map((r) => r.status).sort()

async function codeFor(client: Client, scope = 'openid profile'): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair()
  const redirect = await browser.authorize({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope,
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return { code: redirect.searchParams.get('code')!, verifier }
}

const redeem = (n: number, client: Client, code: string, verifier: string) =>
  postForm(cluster.url(n), '/oauth/token', client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
  })

const refresh = (n: number, client: Client, token: string) =>
  postForm(cluster.url(n), '/oauth/token', client, { grant_type: 'refresh_token', refresh_token: token })

describe(`issue 7: races (${ENGINE}, ${ENGINE === 'postgres' ? 'three instances' : 'one instance'})`, () => {
  test(`RFC 6749 §4.1.2: ${RACERS} simultaneous redemptions of one code → exactly one token response`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await codeFor(f.C1)
      const responses = await together(RACERS, (i) => redeem(i, f.C1, code, verifier))
      expect(statuses(responses)).toEqual([200, ...Array(RACERS - 1).fill(400)])
      for (const r of responses.filter((r) => r.status === 400))
        expect(((await r.json()) as { error: string }).error).toBe('invalid_grant')
    }
  })

  test(
    `RFC 9700 §4.14.2: ${RACERS} simultaneous uses of one refresh token → one new pair, ` +
      'and the reuse revokes the family',
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { code, verifier } = await codeFor(f.C1)
        const first = (await (await redeem(0, f.C1, code, verifier)).json()) as { refresh_token: string }
        const responses = await together(RACERS, (i) => refresh(i, f.C1, first.refresh_token))
        expect(statuses(responses)).toEqual([200, ...Array(RACERS - 1).fill(400)])
        const winner = (await responses.find((r) => r.status === 200)!.json()) as {
          access_token: string
          refresh_token: string
        }
        // The losers presented a rotated token: the whole family, the winner's new pair included, is revoked.
        expect((await refresh(1, f.C1, winner.refresh_token)).status).toBe(400)
        expect(await services().tokens.findActive(winner.access_token)).toBeUndefined()
      }
    },
  )

  test(
    `RFC 8628 §3.5: ${RACERS} simultaneous polls → one authorization_pending, ` + 'the rest slow_down; tokens once',
    async () => {
      const { application } = await services().applications.create({
        name: 'Racing device',
        isPublic: true,
        grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
        scopes: ['read_user'],
      })
      const device: Client = { clientId: application.clientId, secret: null, redirectUri: '' }
      const start = (await (
        await postForm(cluster.url(0), '/oauth/authorize_device', device, { scope: 'read_user' })
      ).json()) as { device_code: string; user_code: string; interval: number }
      const poll = (n: number) =>
        postForm(cluster.url(n), '/oauth/token', device, {
          grant_type: DEVICE_CODE_GRANT,
          device_code: start.device_code,
        })
      const errors = async (responses: Response[]) =>
        (
          await Promise.all(responses.map(async (r) => ((await r.json()) as { error?: string }).error ?? 'tokens'))
        ).sort()

      const pending = await errors(await together(RACERS, poll))
      expect(pending).toEqual(['authorization_pending', ...Array(RACERS - 1).fill('slow_down')])

      const entry = await (await browser.get('/oauth/device')).text()
      const confirm = await (
        await browser.post('/oauth/device', { ...formFields(entry), user_code: start.user_code })
      ).text()
      expect(
        (await browser.post('/oauth/device/decision', { ...formFields(confirm), decision: 'approve' })).status,
      ).toBeLessThan(400)

      // Each slow_down added 5 s to the interval; wait that long, then race again.
      clock.advance(start.interval + 5 * (RACERS - 1))
      const approved = await together(RACERS, poll)
      expect((await errors(approved)).filter((e) => e === 'tokens')).toHaveLength(1)
    },
  )

  test(`consent: ${RACERS} simultaneous approvals by one user → one grant holding every approved scope`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { application, clientSecret } = await services().applications.create({
        name: `Racing consent ${round}`,
        redirectUris: ['https://race.example/cb'],
        scopes: ['openid', 'profile', 'email', 'read_user'],
      })
      const client: Client = {
        clientId: application.clientId,
        secret: clientSecret,
        redirectUri: 'https://race.example/cb',
      }
      const scopes = ['openid profile', 'openid email', 'openid read_user', 'openid']
      const forms = await together(RACERS, async (i) => {
        const query = {
          response_type: 'code',
          client_id: client.clientId,
          redirect_uri: client.redirectUri,
          scope: scopes[i % scopes.length]!,
          state: `s${i}`,
        }
        const page = await (await browser.get(`/oauth/authorize?${new URLSearchParams(query)}`)).text()
        expect(page).toContain('/oauth/authorize/decision')
        return formFields(page)
      })
      const decisions = await together(RACERS, (i) =>
        post(cluster.url(i), '/oauth/authorize/decision', { ...forms[i], decision: 'approve' }),
      )
      for (const r of decisions)
        expect(new URL(r.headers.get('location')!).searchParams.get('code')).toStartWith('lkac_')
      const grants = (await services().grants.listForUser(f.alice.id)).filter((g) => g.applicationId === application.id)
      expect(grants).toHaveLength(1)
      expect(grants[0]!.scopes.sort()).toEqual(['email', 'openid', 'profile', 'read_user'])
    }
  })
})

/** A form POST carrying the shared browser's cookies to any instance. */
function post(base: string, path: string, fields: Record<string, string>): Promise<Response> {
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  return fetch(base + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams(fields),
  })
}
