/**
 * Issue 16: git credential helpers work with their defaults. Debian's git-credential-oauth (0.4.2 in
 * bookworm) is run as git runs it, `git credential-oauth get`, against Latchkey on a loopback port, with
 * the Gitea paths and the client id the git-helpers preset registers, configured as the README says. It
 * prints the authorization URL and runs `open URL`; `open` here is a stub, and the test plays the
 * browser: it signs in, approves, and follows the redirect to the helper's own loopback listener. The
 * helper then redeems the code (a standard-base64 PKCE verifier, issue 16; HTTP Basic with an empty
 * password first, golang.org/x/oauth2's probe) and prints the token, which must work.
 *
 * Skipped, loudly, when the binary is absent; LATCHKEY_REQUIRE_INTEROP=1 (CI) makes its absence a failure.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Browser } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const HELPER = Bun.which('git-credential-oauth')
const REQUIRED = process.env.LATCHKEY_REQUIRE_INTEROP === '1'
const GITEA_CLIENT_ID = 'a4792ccc-144e-407e-86c9-5e7d8d9c3269'

if (!HELPER)
  console.warn(
    REQUIRED
      ? 'git-credential-oauth is not installed, and LATCHKEY_REQUIRE_INTEROP=1 requires it'
      : 'SKIPPED: git-credential-oauth is not installed (apt-get install git-credential-oauth); ' +
          'the issue 16 interop test with the real helper did not run',
  )

test.if(REQUIRED)('issue 16: the real git-credential-oauth is installed (LATCHKEY_REQUIRE_INTEROP=1)', () => {
  expect(HELPER).toBeString()
})

let server: TestServer
let home: string
beforeAll(async () => {
  if (!HELPER) return
  server = await startServer({ socket: true }) // the helper is another process: it needs a real listener
  await seed(server.provider.services)
  await server.provider.services.scopes.importPreset('gitlab', { force: true })
  await server.provider.services.applications.importPreset('git-helpers')
  home = mkdtempSync(join(tmpdir(), 'latchkey-git-helper-'))
  // The README's configuration for git-credential-oauth, for this server's URL.
  writeFileSync(
    join(home, '.gitconfig'),
    `[credential "${server.url}"]\n` +
      `\toauthClientId = ${GITEA_CLIENT_ID}\n` +
      '\toauthAuthURL = /login/oauth/authorize\n' +
      '\toauthTokenURL = /login/oauth/access_token\n',
  )
  // The helper opens the browser with `open URL` when there is one; this one does nothing.
  writeFileSync(join(home, 'open'), '#!/bin/sh\nexit 0\n')
  chmodSync(join(home, 'open'), 0o755)
})
afterAll(async () => {
  if (!HELPER) return
  await server[Symbol.asyncDispose]()
  rmSync(home, { recursive: true, force: true })
})

/** Reads the helper's standard error until the authorization URL appears on a line of its own. */
async function authorizationUrl(stderr: ReadableStream<Uint8Array>, origin: string): Promise<URL> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stderr) {
    text += decoder.decode(chunk, { stream: true })
    const line = text.split('\n').find((l) => l.startsWith(`${origin}/login/oauth/authorize?`))
    if (line) return new URL(line.trim())
  }
  throw new Error(`the helper printed no authorization URL: ${text}`)
}

describe.if(!!HELPER)('issue 16: git credential-oauth get, against Latchkey with the git-helpers preset', () => {
  test('RFC 8252 §7.3 loopback redirect on its own port, RFC 7636 standard-base64 verifier, no scope → a token ' +
    'with the repository scopes', async () => {
    const host = new URL(server.url).host
    const helper = Bun.spawn([HELPER!, 'get'], {
      stdin: new TextEncoder().encode(`protocol=http\nhost=${host}\n\n`),
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        PATH: `${home}:${process.env.PATH}`,
        HOME: home,
        GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
        GIT_CONFIG_NOSYSTEM: '1',
      },
    })
    try {
      const url = await authorizationUrl(helper.stderr, server.url)
      expect(url.searchParams.get('client_id')).toBe(GITEA_CLIENT_ID)
      expect(url.searchParams.has('scope')).toBe(false)
      const redirect = new URL(url.searchParams.get('redirect_uri')!)
      expect(redirect.hostname).toBe('127.0.0.1')
      expect(redirect.port).not.toBe('')

      const browser = new Browser(server.url)
      const back = await browser.authorize(Object.fromEntries(url.searchParams), { path: url.pathname })
      expect(back.origin).toBe(redirect.origin)
      expect(back.searchParams.get('code')).toBeString()
      expect((await fetch(back)).status).toBe(200) // the helper's own page: "Success."

      expect(await helper.exited).toBe(0)
      const out = Object.fromEntries(
        (await new Response(helper.stdout).text())
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      )
      expect(out.username).toBe('oauth2')
      expect(out.password).toStartWith('lk')

      // x/oauth2 tries HTTP Basic with an empty password first: no secret, so one request does it, not a 401.
      const tokenRequests = server.logs
        .map((l) => JSON.parse(l) as { route?: string; status?: number })
        .filter((l) => l.route === '/login/oauth/access_token')
      expect(tokenRequests.map((l) => l.status)).toEqual([200])

      const info = await fetch(`${server.url}/oauth/token/info`, {
        headers: { Authorization: `Bearer ${out.password}` },
      })
      expect(info.status).toBe(200)
      const body = (await info.json()) as { scope: string[]; application: { uid: string } }
      expect(body.application.uid).toBe(GITEA_CLIENT_ID)
      expect([...body.scope].sort()).toEqual(['read_repository', 'write_repository'])
    } finally {
      helper.kill()
    }
  }, 30_000)
})
