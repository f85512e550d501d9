/**
 * Issue 16 ("prove it with real parts") and seed 002 (a token with read_repository or write_repository
 * is the Git-over-HTTPS password of any username): Debian's nginx asks the compiled Latchkey binary
 * about every request with `auth_request`, and passes the allowed ones to `git http-backend` through
 * fcgiwrap. Real `git clone` and `git push`, no credential helper, never a prompt. The nginx server
 * block and the rules are the documented ones (docs/forward-auth-nginx.conf, docs/forward-auth-git-rules.json).
 *
 * Needs nginx, fcgiwrap and git: without them this file skips, loudly, unless LATCHKEY_REQUIRE_INTEROP=1
 * (as .ci/run sets), when their absence fails the run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { GIT_RULES, git, gitOk, missingTools, type NginxGit, REPO, startNginxGit } from '../helpers/nginx-git.ts'

const missing = missingTools()
const required = process.env.LATCHKEY_REQUIRE_INTEROP === '1'
if (missing.length > 0)
  console.warn(
    `\n*** issue 16: the git-over-nginx forward-auth test is SKIPPED: ${missing.join(', ')} not installed ` +
      `(Debian: apt-get install -y nginx fcgiwrap git; LATCHKEY_REQUIRE_INTEROP=1 makes this a failure) ***\n`,
  )

test.if(missing.length > 0 && required)('issue 16: nginx, fcgiwrap and git are installed for the git test', () => {
  throw new Error(`LATCHKEY_REQUIRE_INTEROP=1 but ${missing.join(', ')} not installed`)
})

// Generous: the first test to need it builds the binary, and users are created with Argon2id.
const SETUP_TIMEOUT_MS = 180_000

describe.skipIf(missing.length > 0)('issue 16, seed 002: git over HTTP through nginx auth_request', () => {
  let lk: RunningBinary
  let nginx: NginxGit
  /** Personal access tokens by what they are for; `id` is what `latchkey token revoke` takes. */
  const tokens: Record<'writer' | 'reader' | 'outsider' | 'revoked', { token: string; id: string }> = {} as never

  async function latchkey(args: string[], stdin?: string): Promise<any> {
    const r = await lk.run([...args, '--json'], stdin)
    if (r.code !== 0) throw new Error(`latchkey ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
    return r.json()
  }

  /** The repository's URL, with `username:token@` when given (seed 002: https://oauth2:<token>@host/...). */
  function repoUrl(username?: string, token?: string): string {
    const url = new URL(`${nginx.url}/${REPO}`)
    if (username !== undefined) {
      url.username = username
      url.password = token!
    }
    return url.href
  }

  /** The last request nginx logged for `uri` (path and query). */
  const lastAccess = (uri: string) => nginx.accessLog().findLast((a) => a.uri === uri)
  const UPLOAD_REFS = `/${REPO}/info/refs?service=git-upload-pack`
  const RECEIVE_REFS = `/${REPO}/info/refs?service=git-receive-pack`

  /**
   * The scopes imported by `latchkey scope import` (another process) as the server sees them. On PostgreSQL
   * a server learns another process's scope changes within 5 s (README, "Running several instances"), so
   * the tests wait for that instead of racing it: discovery reads the same cached scope table that expands
   * write_repository to read_repository. Bounded by the set-up timeout, not by the machine's speed.
   */
  async function serverKnowsScopes(names: string[]): Promise<void> {
    for (;;) {
      const metadata = (await (await fetch(`${lk.url}/.well-known/openid-configuration`)).json()) as {
        scopes_supported: string[]
      }
      if (names.every((n) => metadata.scopes_supported.includes(n))) return
      await Bun.sleep(200)
    }
  }

  beforeAll(async () => {
    lk = await startBinary({
      args: ['--log-level', 'warn'],
      env: { LATCHKEY_TRUSTED_PROXIES: '127.0.0.1', LATCHKEY_FORWARD_AUTH_RULES: GIT_RULES },
    })
    await latchkey(['scope', 'import', '--preset', 'gitlab', '--force'])
    await Promise.all(
      ['alice', 'bob'].map((name) =>
        latchkey(
          ['user', 'create', '--username', name, '--email', `${name}@example.com`, '--password-stdin'],
          PASSWORD,
        ),
      ),
    )
    await latchkey(['group', 'create', 'team'])
    await latchkey(['group', 'add-member', 'team', '--username', 'alice'])
    const personal = async (username: string, scopes: string) => {
      const t = await latchkey(['token', 'create', '--username', username, '--scopes', scopes])
      return { token: t.token as string, id: t.id as string }
    }
    const [writer, reader, outsider, revoked] = await Promise.all([
      personal('alice', 'write_repository'),
      personal('alice', 'read_repository'),
      personal('bob', 'write_repository'),
      personal('alice', 'write_repository'),
    ])
    Object.assign(tokens, { writer, reader, outsider, revoked })
    await serverKnowsScopes(['read_repository', 'write_repository'])
    nginx = await startNginxGit({ latchkey: lk.url })
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await nginx?.[Symbol.asyncDispose]()
    await lk?.[Symbol.asyncDispose]()
  })

  /** Runs `check`; when it fails, the failure carries nginx's, git http-backend's and Latchkey's logs. */
  async function withLogs(check: () => Promise<void>): Promise<void> {
    try {
      await check()
    } catch (e) {
      const logs = `${nginx.diagnostics()}\nlatchkey:\n${lk.logs.join('\n')}`
      throw new Error(`${(e as Error).message}\n--- logs ---\n${logs}`, { cause: e })
    }
  }

  test('no credentials: 401 with a Basic challenge, and git, which may not prompt, gives up', () =>
    withLogs(async () => {
      const res = await fetch(nginx.url + UPLOAD_REFS)
      await res.arrayBuffer()
      expect(res.status).toBe(401)
      // git answers only a Basic challenge with the password it holds; nginx passes one header on.
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/i)
      const r = await git(['ls-remote', repoUrl()], nginx.work)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('terminal prompts disabled')
      expect(lastAccess(UPLOAD_REFS)?.status).toBe(401)
    }))

  test('seed 002: a team member with write_repository clones and pushes as oauth2:<token>', () =>
    withLogs(async () => {
      const url = repoUrl('oauth2', tokens.writer.token)
      await gitOk(['clone', '--quiet', url, 'writer'], nginx.work)
      const clone = join(nginx.work, 'writer')
      expect(readFileSync(join(clone, 'README'), 'utf8')).toBe('the team project\n')
      writeFileSync(join(clone, 'CHANGES'), 'pushed through nginx\n')
      await gitOk(['add', 'CHANGES'], clone)
      await gitOk(['commit', '--quiet', '-m', 'a change from alice'], clone)
      await gitOk(['push', '--quiet', 'origin', 'main'], clone)
      const head = (await gitOk(['rev-parse', 'HEAD'], clone)).trim()
      expect((await gitOk(['rev-parse', 'main'], nginx.repo)).trim()).toBe(head)
      // nginx handed Latchkey's Remote-User to git http-backend as REMOTE_USER, which names the pusher.
      expect((await gitOk(['reflog', '-1', '--format=%gn', 'main'], nginx.repo)).trim()).toBe('alice')
      expect(lastAccess(`/${REPO}/git-receive-pack`)).toMatchObject({ method: 'POST', status: 200, user: 'alice' })
    }))

  test("a push larger than git's 1 MiB post buffer (sent chunked) goes through nginx to git http-backend", () =>
    withLogs(async () => {
      await gitOk(['clone', '--quiet', repoUrl('oauth2', tokens.writer.token), 'large'], nginx.work)
      const clone = join(nginx.work, 'large')
      // Random bytes do not compress: the pack is about as large as the file.
      writeFileSync(join(clone, 'blob.bin'), randomBytes(3 * 1024 * 1024))
      await gitOk(['add', 'blob.bin'], clone)
      await gitOk(['commit', '--quiet', '-m', 'three MiB of noise'], clone)
      await gitOk(['push', '--quiet', 'origin', 'main'], clone)
      const head = (await gitOk(['rev-parse', 'HEAD'], clone)).trim()
      expect((await gitOk(['rev-parse', 'main'], nginx.repo)).trim()).toBe(head)
    }))

  test('seed 002: the token is the password of any username', () =>
    withLogs(async () => {
      for (const username of ['alice', 'someone-else', 'x'])
        expect(await gitOk(['ls-remote', repoUrl(username, tokens.writer.token), 'main'], nginx.work)).toContain(
          'refs/heads/main',
        )
    }))

  test('a token with only read_repository clones, but its push is refused with 403', () =>
    withLogs(async () => {
      const before = (await gitOk(['rev-parse', 'main'], nginx.repo)).trim()
      await gitOk(['clone', '--quiet', repoUrl('oauth2', tokens.reader.token), 'reader'], nginx.work)
      const clone = join(nginx.work, 'reader')
      writeFileSync(join(clone, 'READER'), 'should not land\n')
      await gitOk(['add', 'READER'], clone)
      await gitOk(['commit', '--quiet', '-m', 'a change a reader may not push'], clone)
      const r = await git(['push', 'origin', 'main'], clone)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('The requested URL returned error: 403')
      expect(lastAccess(RECEIVE_REFS)?.status).toBe(403)
      expect((await gitOk(['rev-parse', 'main'], nginx.repo)).trim()).toBe(before)
    }))

  test('a user outside the group is refused with 403, even holding write_repository', () =>
    withLogs(async () => {
      const r = await git(['clone', '--quiet', repoUrl('oauth2', tokens.outsider.token), 'outsider'], nginx.work)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('The requested URL returned error: 403')
      expect(lastAccess(UPLOAD_REFS)?.status).toBe(403)
    }))

  test('a revoked token stops working at once', () =>
    withLogs(async () => {
      const url = repoUrl('oauth2', tokens.revoked.token)
      expect(await gitOk(['ls-remote', url, 'main'], nginx.work)).toContain('refs/heads/main')
      await latchkey(['token', 'revoke', tokens.revoked.id])
      const r = await git(['ls-remote', url, 'main'], nginx.work)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('Authentication failed')
      expect(lastAccess(UPLOAD_REFS)?.status).toBe(401)
    }))
})
