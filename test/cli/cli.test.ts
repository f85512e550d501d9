/**
 * The `latchkey` command line: help, users, applications, personal access tokens, errors and
 * configuration precedence, observed through a running server. The commands run in-process
 * (`runCli`, see ../helpers/cli.ts); only the last describe starts the compiled binary, to show
 * that it is the same command line.
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBinary, startBinary } from '../helpers/binary.ts'
import { cli, startCliServer, type CliServer } from '../helpers/cli.ts'
import { onPostgres } from '../helpers/database.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { basic, pkcePair, postForm } from '../helpers/oauth.ts'

const RP_URI = 'https://rp.example/cb'
const APP_KEYS = [
  'access_token_lifetime',
  'allowed_groups',
  'client_id',
  'client_uri',
  'contacts',
  'created_at',
  'default_scopes',
  'grant_completed_at',
  'grant_types',
  'id',
  'id_token_alg',
  'introspect',
  'logo_uri',
  'metadata_expires_at',
  'metadata_fetched_at',
  'name',
  'owner_id',
  'policy_uri',
  'public',
  'redirect_uris',
  'refresh_grace_period',
  'refresh_token_lifetime',
  'refresh_tokens',
  'registration',
  'restricted_to_groups',
  'scopes',
  'token_format',
  'tos_uri',
  'trusted',
]
const USER_KEYS = ['admin', 'created_at', 'disabled', 'email', 'email_verified', 'id', 'name', 'number', 'username']

interface AppJson {
  client_id: string
  client_secret?: string
  [key: string]: unknown
}

async function createUser(lk: CliServer, username = 'alice', password = PASSWORD) {
  const r = await lk.run(
    ['user', 'create', '--username', username, '--email', `${username}@example.com`, '--password-stdin', '--json'],
    password + '\n',
  )
  expect(r.code).toBe(0)
  return r.json<{ id: string; username: string }>()
}

async function createApp(lk: CliServer, ...flags: string[]): Promise<AppJson> {
  const r = await lk.run(['app', 'create', '--name', 'App', '--redirect-uri', RP_URI, ...flags, '--json'])
  expect(r.code).toBe(0)
  return r.json()
}

/** Logs alice in and approves consent, then redeems the code: the tokens an OAuth client holds. */
async function oauthTokens(lk: CliServer, app: AppJson, username = 'alice') {
  const { verifier, challenge } = pkcePair()
  const callback = await new Browser(lk.url).authorize(
    {
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: RP_URI,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    },
    { username },
  )
  const client = { clientId: app.client_id, secret: app.client_secret ?? null, redirectUri: RP_URI }
  const res = await postForm(lk.url, '/oauth/token', client, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code')!,
    redirect_uri: RP_URI,
    code_verifier: verifier,
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token: string }
}

async function introspect(lk: CliServer, rs: AppJson, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${lk.url}/oauth/introspect`, {
    method: 'POST',
    headers: { Authorization: basic(rs.client_id, rs.client_secret!) },
    body: new URLSearchParams({ token }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

function tokenInfo(lk: CliServer, token: string): Promise<Response> {
  return fetch(`${lk.url}/oauth/token/info`, { headers: { Authorization: `Bearer ${token}` } })
}

async function loginStatus(lk: CliServer, username: string, password: string): Promise<number> {
  return (await new Browser(lk.url).login(username, password)).status
}

/** The names listed under "Commands:" in a help text (two-space indent, first word). */
function listedCommands(help: string): string[] {
  const section = help.split('Commands:\n')[1]?.split('\n\n')[0] ?? ''
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!)
}

describe('issue 2 CLI: help', () => {
  test(
    'issue 2 CLI + issue 14 §1: --help exits 0 with usage for latchkey, every command and ' +
      'every subcommand it lists (in-process)',
    async () => {
      const top = await cli(['--help'])
      expect(top.code).toBe(0)
      const commands = listedCommands(top.stdout)
      expect(commands).toEqual(expect.arrayContaining(['serve', 'migrate', 'user', 'app', 'token']))
      const helps = await Promise.all(commands.map((c) => cli([c, '--help'])))
      const subcommands = commands.flatMap((c, i) => listedCommands(helps[i]!.stdout).map((sub) => [c, sub]))
      expect(subcommands).toEqual(
        expect.arrayContaining([
          ...['create', 'list', 'set-password', 'disable'].map((s) => ['user', s]),
          ...['create', 'list', 'show', 'rotate-secret', 'delete'].map((s) => ['app', s]),
        ]),
      )
      const invocations = [
        ['help'],
        [],
        ...commands.map((c) => [c, '--help']),
        ...subcommands.map((cs) => [...cs, '--help']),
        ['token', 'create', '--help'],
        ['user', 'create', '-h'],
      ]
      const results = await Promise.all(invocations.map((args) => cli(args)))
      results.forEach((r, i) => {
        const label = `latchkey ${invocations[i]!.join(' ')}`
        expect({ label, code: r.code, stderr: r.stderr }).toEqual({ label, code: 0, stderr: '' })
        expect(r.stdout).toStartWith('Usage: latchkey')
      })
      expect(results.at(-2)!.stdout).toContain('--username')
    },
  )

  test('issue 14 §1: the compiled binary is the same command line (--help, --version, an error)', async () => {
    const help = await runBinary(['--help'])
    expect({ code: help.code, stdout: help.stdout, stderr: help.stderr }).toEqual({
      code: 0,
      stdout: (await cli(['--help'])).stdout,
      stderr: '',
    })
    const version = await runBinary(['--version'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const unknown = await runBinary(['user', 'list', '--jsn'])
    expect(unknown).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'latchkey: unknown option --jsn; did you mean --json?\n',
    })
  })
})

describe('issue 2 CLI: users', () => {
  test('issue 2 CLI: user create and user list --json print stable keys and never the password', async () => {
    await using lk = await startCliServer()
    const created = await lk.run(
      [
        'user',
        'create',
        '--username',
        'alice',
        '--email',
        'alice@example.com',
        '--name',
        'Alice',
        '--admin',
        '--password-stdin',
        '--json',
      ],
      PASSWORD,
    )
    expect(created.code).toBe(0)
    const alice = created.json()
    expect(Object.keys(alice).sort()).toEqual(USER_KEYS)
    expect(alice).toMatchObject({
      number: 1, // issue 16: the integer id of the forges' user APIs
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      admin: true,
      disabled: false,
    })
    expect(alice.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/)
    expect(created.stdout).not.toContain(PASSWORD)
    await createUser(lk, 'bob')
    const list = await lk.run(['user', 'list', '--json'])
    expect(list.code).toBe(0)
    expect(
      list
        .json<{ username: string }[]>()
        .map((u) => u.username)
        .sort(),
    ).toEqual(['alice', 'bob'])
    expect(list.json()[0]).toContainAllKeys(USER_KEYS)
    expect(await loginStatus(lk, 'alice', PASSWORD)).toBe(303)
  })

  test('issue 2 CLI: user set-password replaces the password at /login', async () => {
    await using lk = await startCliServer()
    await createUser(lk)
    const set = await lk.run(
      ['user', 'set-password', '--username', 'alice', '--password-stdin'],
      'a brand new passphrase\n',
    )
    expect(set.code).toBe(0)
    expect(await loginStatus(lk, 'alice', PASSWORD)).toBe(401)
    expect(await loginStatus(lk, 'alice', 'a brand new passphrase')).toBe(303)
  })

  test("issue 2 CLI: user disable blocks /login and makes the user's OAuth and personal tokens inactive", async () => {
    await using lk = await startCliServer()
    await createUser(lk)
    await createUser(lk, 'bob')
    const app = await createApp(lk)
    const rs = await createApp(lk, '--introspect')
    const tokens = await oauthTokens(lk, app)
    const bobTokens = await oauthTokens(lk, app, 'bob')
    const pat = (await lk.run(['token', 'create', '--username', 'alice', '--scopes', 'read_user', '--json'])).json<{
      token: string
    }>().token
    expect(await introspect(lk, rs, tokens.access_token)).toMatchObject({ active: true })
    expect((await tokenInfo(lk, pat)).status).toBe(200)

    const disabled = await lk.run(['user', 'disable', '--username', 'alice', '--json'])
    expect(disabled.code).toBe(0)
    expect(disabled.json()).toMatchObject({ username: 'alice', disabled: true })
    expect(await loginStatus(lk, 'alice', PASSWORD)).toBe(401)
    expect(await introspect(lk, rs, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(lk, rs, tokens.refresh_token)).toEqual({ active: false })
    expect((await tokenInfo(lk, tokens.access_token)).status).toBe(401)
    expect((await tokenInfo(lk, pat)).status).toBe(401)
    expect(await introspect(lk, rs, bobTokens.access_token)).toMatchObject({ active: true })
    const users = (await lk.run(['user', 'list', '--json'])).json<{ username: string; disabled: boolean }[]>()
    expect(users.find((u) => u.username === 'alice')?.disabled).toBe(true)
    const again = await lk.run(['token', 'create', '--username', 'alice', '--scopes', 'read_user', '--json'])
    expect(again.code).not.toBe(0)
    expect(again.stdout).toBe('')
  })
})

describe('issue 2 CLI: applications', () => {
  test(
    'issue 2 CLI: app create --json has client_id and client_secret for a confidential app, no ' +
      'client_secret for a public one',
    async () => {
      await using lk = await startCliServer()
      const confidential = await createApp(
        lk,
        '--redirect-uri',
        'https://rp.example/cb2',
        '--scopes',
        'openid profile',
        '--trusted',
      )
      expect(Object.keys(confidential).sort()).toEqual([...APP_KEYS, 'client_secret'].sort())
      expect(confidential.client_id).toStartWith('lkc_')
      expect(confidential.client_secret).toStartWith('lkcs_')
      expect(confidential).toMatchObject({
        public: false,
        trusted: true,
        redirect_uris: [RP_URI, 'https://rp.example/cb2'],
        scopes: ['openid', 'profile'],
      })
      const pub = await createApp(lk, '--public')
      expect(Object.keys(pub).sort()).toEqual(APP_KEYS)
      expect(pub).toMatchObject({ public: true })
    },
  )

  test('issue 2 CLI: app list and app show --json never print a client_secret', async () => {
    await using lk = await startCliServer()
    const a = await createApp(lk)
    const b = await createApp(lk, '--public')
    const list = await lk.run(['app', 'list', '--json'])
    expect(list.code).toBe(0)
    const apps = list.json<AppJson[]>()
    expect(apps.map((x) => x.client_id).sort()).toEqual([a.client_id, b.client_id].sort())
    for (const x of apps) expect(Object.keys(x).sort()).toEqual(APP_KEYS)
    const show = await lk.run(['app', 'show', a.client_id, '--json'])
    expect(show.code).toBe(0)
    const { client_secret, ...withoutSecret } = a
    expect(show.json()).toEqual(withoutSecret)
    expect(show.stdout).not.toContain(client_secret!)
  })

  test(
    'issue 2 CLI: app rotate-secret prints a new secret once; the old one gets 401 ' + 'invalid_client at /oauth/token',
    async () => {
      await using lk = await startCliServer()
      const app = await createApp(lk)
      const rotated = await lk.run(['app', 'rotate-secret', app.client_id, '--json'])
      expect(rotated.code).toBe(0)
      const next = rotated.json<AppJson>()
      expect(next.client_id).toBe(app.client_id)
      expect(next.client_secret).toStartWith('lkcs_')
      expect(next.client_secret).not.toBe(app.client_secret)
      const attempt = (secret: string) =>
        fetch(`${lk.url}/oauth/token`, {
          method: 'POST',
          headers: { Authorization: basic(app.client_id, secret) },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'lkac_unknown', redirect_uri: RP_URI }),
        })
      const old = await attempt(app.client_secret!)
      expect(old.status).toBe(401)
      expect(old.headers.get('www-authenticate')).toStartWith('Basic')
      expect(await old.json()).toMatchObject({ error: 'invalid_client' })
      const fresh = await attempt(next.client_secret!)
      expect(fresh.status).toBe(400)
      expect(await fresh.json()).toMatchObject({ error: 'invalid_grant' })
      const pub = await createApp(lk, '--public')
      const noSecret = await lk.run(['app', 'rotate-secret', pub.client_id, '--json'])
      expect(noSecret.code).not.toBe(0)
      expect(noSecret.stderr).toContain('public')
    },
  )

  test("issue 2 CLI: app delete makes the application's existing tokens inactive and the app unknown", async () => {
    await using lk = await startCliServer()
    await createUser(lk)
    const app = await createApp(lk)
    const other = await createApp(lk)
    const rs = await createApp(lk, '--introspect')
    const tokens = await oauthTokens(lk, app)
    const otherTokens = await oauthTokens(lk, other)
    expect(await introspect(lk, rs, tokens.access_token)).toMatchObject({ active: true, client_id: app.client_id })
    const deleted = await lk.run(['app', 'delete', app.client_id, '--json'])
    expect(deleted.code).toBe(0)
    expect(deleted.json()).toEqual({ deleted: app.client_id })
    expect(await introspect(lk, rs, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(lk, rs, tokens.refresh_token)).toEqual({ active: false })
    expect((await tokenInfo(lk, tokens.access_token)).status).toBe(401)
    expect(await introspect(lk, rs, otherTokens.access_token)).toMatchObject({ active: true })
    const show = await lk.run(['app', 'show', app.client_id, '--json'])
    expect(show.code).not.toBe(0)
    expect(show.stdout).toBe('')
    const refresh = await postForm(
      lk.url,
      '/oauth/token',
      { clientId: app.client_id, secret: app.client_secret!, redirectUri: RP_URI },
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
    )
    expect(refresh.status).toBe(401)
  })
})

describe('issue 2 CLI: personal access tokens', () => {
  test(
    'GitLab seed: token/info answers for an lkpat_ token from token create, with the user, ' +
      'scopes and no application',
    async () => {
      await using lk = await startCliServer()
      const alice = await createUser(lk)
      const created = await lk.run(['token', 'create', '--username', 'alice', '--scopes', 'read_user openid', '--json'])
      expect(created.code).toBe(0)
      const pat = created.json<{ token: string; username: string; scopes: string[]; expires_at: number | null }>()
      expect(pat.token).toStartWith('lkpat_')
      expect(pat).toMatchObject({ username: 'alice', scopes: ['read_user', 'openid'], expires_at: null })
      const res = await tokenInfo(lk, pat.token)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({
        resource_owner_id: alice.id,
        scope: ['read_user', 'openid'],
        expires_in: null,
        application: null,
      })
      const tampered = await tokenInfo(lk, pat.token.slice(0, -2) + (pat.token.endsWith('AA') ? 'BB' : 'AA'))
      expect(tampered.status).toBe(401)
    },
  )

  test('GitLab seed: token create --expires-in gives token/info an expires_in within that lifetime', async () => {
    await using lk = await startCliServer()
    await createUser(lk)
    const pat = (
      await lk.run(['token', 'create', '--username', 'alice', '--scopes', 'read_user', '--expires-in', '600', '--json'])
    ).json<{ token: string }>()
    const info = (await (await tokenInfo(lk, pat.token)).json()) as { expires_in: number }
    expect(info.expires_in).toBeGreaterThan(590)
    expect(info.expires_in).toBeLessThanOrEqual(600)
  })
})

describe('issue 2 CLI: errors go to stderr with a non-zero exit', () => {
  test(
    'issue 2 CLI: unknown command and unknown subcommands fail with a message on stderr and ' + 'nothing on stdout',
    async () => {
      for (const args of [
        ['frobnicate'],
        ['user', 'frobnicate'],
        ['app', 'frobnicate'],
        ['token', 'frobnicate'],
        ['user', 'list', '--no-such-flag'],
      ]) {
        const r = await cli(args)
        expect({ args, code: r.code === 0 ? 0 : 'non-zero', stdout: r.stdout }).toEqual({
          args,
          code: 'non-zero',
          stdout: '',
        })
        expect(r.stderr).toStartWith('latchkey: ')
      }
      expect((await cli(['frobnicate'])).stderr).toContain('unknown command: frobnicate')
    },
  )

  test(
    'issue 2 CLI: missing --username, duplicate username and a javascript: redirect URI fail ' +
      'and leave nothing behind',
    async () => {
      await using lk = await startCliServer()
      const noUser = await lk.run(['token', 'create', '--scopes', 'read_user', '--json'])
      expect(noUser.code).not.toBe(0)
      expect(noUser.stderr).toContain('--username')
      const noUsername = await lk.run(['user', 'create', '--password-stdin', '--json'], PASSWORD)
      expect(noUsername.code).not.toBe(0)
      expect(noUsername.stderr).toContain('--username')

      await createUser(lk)
      const dup = await lk.run(
        ['user', 'create', '--username', 'alice', '--password-stdin', '--json'],
        'another password',
      )
      expect(dup.code).not.toBe(0)
      expect(dup.stdout).toBe('')
      expect(dup.stderr).toContain('alice')
      expect(await loginStatus(lk, 'alice', PASSWORD)).toBe(303)
      expect(await loginStatus(lk, 'alice', 'another password')).toBe(401)

      const bad = await lk.run(['app', 'create', '--name', 'Evil', '--redirect-uri', 'javascript:alert(1)', '--json'])
      expect(bad.code).not.toBe(0)
      expect(bad.stdout).toBe('')
      expect(bad.stderr).toContain('javascript')
      const noUri = await lk.run(['app', 'create', '--name', 'No URI', '--json'])
      expect(noUri.code).not.toBe(0)
      expect((await lk.run(['app', 'list', '--json'])).json()).toEqual([])
      expect((await lk.run(['user', 'list', '--json'])).json()).toHaveLength(1)
    },
  )

  test('issue 2 CLI: a password shorter than 8 characters is refused', async () => {
    await using lk = await startCliServer()
    const r = await lk.run(['user', 'create', '--username', 'carol', '--password-stdin'], 'short\n')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('password')
    expect((await lk.run(['user', 'list', '--json'])).json()).toEqual([])
  })
})

describe('issue 2 CLI: configuration', () => {
  test(
    'issue 2 CLI: precedence is flag > LATCHKEY_* environment > --config file > default, ' +
      'observed as the issuer in discovery',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'))
      try {
        const file = join(dir, 'latchkey.json')
        writeFileSync(file, JSON.stringify({ issuer: 'https://file.example' }))
        const issuerOf = async (options: Parameters<typeof startBinary>[0]) => {
          await using lk = await startBinary({ loopbackIssuer: false, ...options })
          const meta = (await (await fetch(`${lk.url}/.well-known/openid-configuration`)).json()) as { issuer: string }
          // issue 14 §2: serve says it created the SQLite database, as one of its JSON log lines.
          if (!onPostgres)
            expect(lk.logs.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('creating a new database')
          return { issuer: meta.issuer, port: lk.port }
        }
        const byDefault = await issuerOf({})
        expect(byDefault.issuer).toBe(`http://localhost:${byDefault.port}`)
        expect((await issuerOf({ args: ['--config', file] })).issuer).toBe('https://file.example')
        expect((await issuerOf({ env: { LATCHKEY_CONFIG: file } })).issuer).toBe('https://file.example')
        expect(
          (await issuerOf({ args: ['--config', file], env: { LATCHKEY_ISSUER: 'https://env.example' } })).issuer,
        ).toBe('https://env.example')
        expect(
          (
            await issuerOf({
              args: ['--config', file, '--issuer', 'https://flag.example/'],
              env: { LATCHKEY_ISSUER: 'https://env.example' },
            })
          ).issuer,
        ).toBe('https://flag.example')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  test('issue 2 CLI: the database path follows the same precedence (--db over LATCHKEY_DB over the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'))
    try {
      const file = join(dir, 'latchkey.json')
      writeFileSync(file, JSON.stringify({ db: join(dir, 'file.db') }))
      const env = { LATCHKEY_CONFIG: file }
      const usernames = async (extra: Record<string, string>, args: string[] = []) =>
        (await cli(['user', 'list', '--json', ...args], { env: { ...env, ...extra }, cwd: dir }))
          .json<{ username: string }[]>()
          .map((u) => u.username)
      expect(
        (await cli(['user', 'create', '--username', 'in-file', '--password-stdin'], { env, cwd: dir, stdin: PASSWORD }))
          .code,
      ).toBe(0)
      expect(
        (
          await cli(['user', 'create', '--username', 'in-env', '--password-stdin'], {
            env: { ...env, LATCHKEY_DB: join(dir, 'env.db') },
            cwd: dir,
            stdin: PASSWORD,
          })
        ).code,
      ).toBe(0)
      expect(
        (
          await cli(['user', 'create', '--username', 'in-flag', '--password-stdin', '--db', join(dir, 'flag.db')], {
            env: { ...env, LATCHKEY_DB: join(dir, 'env.db') },
            cwd: dir,
            stdin: PASSWORD,
          })
        ).code,
      ).toBe(0)
      expect(await usernames({})).toEqual(['in-file'])
      expect(await usernames({ LATCHKEY_DB: join(dir, 'env.db') })).toEqual(['in-env'])
      expect(await usernames({ LATCHKEY_DB: join(dir, 'env.db') }, ['--db', join(dir, 'flag.db')])).toEqual(['in-flag'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('issue 2 CLI: bad configuration exits non-zero with a message naming the setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'))
    try {
      writeFileSync(join(dir, 'unknown.json'), JSON.stringify({ port: 9100, colour: 'blue' }))
      writeFileSync(join(dir, 'broken.json'), '{ not json')
      const cases: [string[], Record<string, string>, string][] = [
        [['serve', '--port', 'abc'], {}, '--port'],
        [['serve'], { LATCHKEY_PORT: '70000' }, 'LATCHKEY_PORT'],
        [['serve', '--config', join(dir, 'unknown.json')], {}, 'colour'],
        [['serve', '--config', join(dir, 'broken.json')], {}, 'broken.json'],
        [['serve', '--config', join(dir, 'missing.json')], {}, 'missing.json'],
        [['serve', '--issuer', 'ftp://example.com'], {}, '--issuer'],
        [['serve', '--log-level', 'chatty'], {}, '--log-level'],
        [['user', 'list', '--access-token-ttl', '0'], {}, '--access-token-ttl'],
      ]
      for (const [args, env, named] of cases) {
        const r = await cli(args, { env, cwd: dir })
        expect({ args, code: r.code === 0 ? 0 : 'non-zero', named: r.stderr.includes(named) }).toEqual({
          args,
          code: 'non-zero',
          named: true,
        })
        expect(r.stderr).not.toContain('    at ')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test(
    'issue 2 CLI: migrate --json applies every migration on a fresh database, then reports ' + 'nothing to do',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-migrate-'))
      try {
        const db = join(dir, 'fresh.db')
        const first = await cli(['migrate', '--db', db, '--json'], { cwd: dir })
        expect(first.code).toBe(0)
        const { applied } = first.json<{ applied: string[] }>()
        expect(applied.length).toBeGreaterThan(0)
        expect(applied[0]).toMatch(/^\d{4}_\d{2}_\d{2}_\d{3}_/)
        const second = await cli(['migrate', '--db', db, '--json'], { cwd: dir })
        expect(second.code).toBe(0)
        expect(second.json()).toEqual({ applied: [] })
        const users = await cli(['user', 'list', '--db', db, '--json'], { cwd: dir })
        expect(users.json()).toEqual([])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
