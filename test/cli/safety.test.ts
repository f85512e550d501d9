/**
 * Issue 14 §2: the CLI never writes where the operator did not mean to. Arguments are checked before
 * anything is opened, read-only commands never create a database, files holding secrets are 0600,
 * and every error names what is wrong (the path, the setting, the flag the user typed).
 * Everything runs in-process (../helpers/cli.ts).
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from '../../src/cli/args.ts'
import { configFrom, SERVER_FLAGS } from '../../src/cli/common.ts'
import { loadConfig, SETTINGS } from '../../src/config.ts'
import { cli } from '../helpers/cli.ts'
import { onPostgres } from '../helpers/database.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

const root = mkdtempSync(join(tmpdir(), 'latchkey-safety-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
/** A fresh empty folder to run commands in. */
function folder(): string {
  const dir = join(root, String(folders++))
  mkdirSync(dir)
  return dir
}
const mode = (path: string) => statSync(path).mode & 0o777

describe('issue 14 §2: read-only and failing commands create no database', () => {
  const readOnly = [
    ['user', 'list'],
    ['user', 'set-password', '--username', 'alice', '--password-stdin'],
    ['user', 'disable', '--username', 'alice'],
    ['user', 'enable', '--username', 'alice'],
    ['user', 'unlock', '--username', 'alice'],
    ['user', 'delete', '--username', 'alice'],
    ['user', 'update', '--username', 'alice', '--name', 'Alice'],
    ['app', 'update', 'lkc_x', '--name', 'New'],
    ['app', 'list'],
    ['app', 'show', 'lkc_x'],
    ['app', 'rotate-secret', 'lkc_x'],
    ['app', 'delete', 'lkc_x'],
    ['scope', 'list'],
    ['scope', 'delete', 'x'],
    ['token', 'create', '--username', 'alice', '--scopes', 'read_user'],
    ['token', 'list'],
    ['token', 'revoke', 'x'],
    ['export', '--to', 'out.jsonl'],
    ['backup', '--to', 'backup.db'],
  ]
  test.each(readOnly.map((args) => [args.join(' '), args]))(
    'latchkey %s without a database fails naming the path and --db / LATCHKEY_DB, and writes nothing',
    async (_, args) => {
      const dir = folder()
      const r = await cli(args, { cwd: dir, stdin: PASSWORD })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(`no database at ${join(dir, 'latchkey.db')}`)
      expect(r.stderr).toContain('--db / LATCHKEY_DB')
      expect(readdirSync(dir)).toEqual([])
    },
  )

  test('LATCHKEY_DB naming a missing file is refused the same way, naming that file', async () => {
    const dir = folder()
    const r = await cli(['user', 'list'], { cwd: dir, env: { LATCHKEY_DB: 'prod.db' } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`no database at ${join(dir, 'prod.db')}`)
    expect(readdirSync(dir)).toEqual([])
  })

  const invalid: [string, string[], string | undefined, string][] = [
    [
      'app create without a redirect URI (authorization_code)',
      ['app', 'create', '--name', 'No URI'],
      undefined,
      '--redirect-uri',
    ],
    [
      'app create with a javascript: redirect URI',
      ['app', 'create', '--name', 'Evil', '--redirect-uri', 'javascript:alert(1)'],
      undefined,
      '--redirect-uri',
    ],
    [
      'app create with an unknown grant type',
      ['app', 'create', '--name', 'A', '--redirect-uri', 'https://rp.example/cb', '--grant-types', 'implicit'],
      undefined,
      '--grant-types',
    ],
    ['app create without --name', ['app', 'create', '--redirect-uri', 'https://rp.example/cb'], undefined, '--name'],
    ['user create without --password-stdin', ['user', 'create', '--username', 'alice'], undefined, '--password-stdin'],
    [
      'user create with a short password',
      ['user', 'create', '--username', 'alice', '--password-stdin'],
      'short',
      '--password-stdin',
    ],
    [
      'user create with an empty stdin',
      ['user', 'create', '--username', 'alice', '--password-stdin'],
      '',
      '--password-stdin',
    ],
    [
      'user create with a bad e-mail address',
      ['user', 'create', '--username', 'alice', '--email', 'not-an-address', '--password-stdin'],
      PASSWORD,
      '--email',
    ],
    [
      'user create with a bad username',
      ['user', 'create', '--username', 'a b', '--password-stdin'],
      PASSWORD,
      '--username',
    ],
    ['scope create without --description', ['scope', 'create', '--name', 'x'], undefined, '--description'],
    ['scope import with an unknown preset', ['scope', 'import', '--preset', 'github'], undefined, 'github'],
    ['token create without --scopes', ['token', 'create', '--username', 'alice'], undefined, '--scopes'],
    [
      'a misspelt flag',
      ['app', 'create', '--name', 'A', '--redirect-url', 'https://rp.example/cb'],
      undefined,
      '--redirect-uri',
    ],
  ]
  test.each(invalid)('%s fails naming the flag, before any database is opened', async (_, args, stdin, flag) => {
    const dir = folder()
    const r = await cli(args, { cwd: dir, stdin })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(flag)
    expect(r.stderr).not.toMatch(/redirectUris|grantTypes|isPublic|unexpected error/)
    expect(readdirSync(dir)).toEqual([])
  })

  test('a command that creates a database says so on stderr with the full path, once', async () => {
    const dir = folder()
    const first = await cli(['user', 'create', '--username', 'alice', '--password-stdin'], {
      cwd: dir,
      stdin: PASSWORD,
    })
    expect(first.code).toBe(0)
    expect(first.stderr).toBe(`latchkey: creating a new database at ${join(dir, 'latchkey.db')}\n`)
    const second = await cli(['user', 'create', '--username', 'bob', '--password-stdin'], { cwd: dir, stdin: PASSWORD })
    expect(second).toMatchObject({ code: 0, stderr: '' })
    expect(
      (await cli(['user', 'list', '--json'], { cwd: dir }))
        .json()
        .map((u: { username: string }) => u.username)
        .sort(),
    ).toEqual(['alice', 'bob'])
  })
  test.skipIf(onPostgres)(
    'a command that may create a database but fails once it is open leaves none behind, and says so',
    async () => {
      for (const args of [
        ['scope', 'import', '--preset', 'gitlab'],
        ['app', 'create', '--name', 'A', '--redirect-uri', 'https://a.example/cb', '--owner', 'nobody'],
      ]) {
        const dir = folder()
        const r = await cli(args, { cwd: dir })
        expect(r.code).toBe(1)
        expect(r.stderr).toContain(`removed the new database at ${join(dir, 'latchkey.db')} again`)
        expect(readdirSync(dir)).toEqual([])
      }
    },
  )
})

describe.skipIf(onPostgres)('issue 14 §2: files holding secrets are 0600', () => {
  test('the database, its -wal and -shm, a backup and an export are created 0600 whatever the umask', async () => {
    const before = process.umask(0o022)
    try {
      const dir = folder()
      expect(
        (await cli(['user', 'create', '--username', 'alice', '--password-stdin'], { cwd: dir, stdin: PASSWORD })).code,
      ).toBe(0)
      expect(mode(join(dir, 'latchkey.db'))).toBe(0o600)
      expect((await cli(['backup', '--to', 'backup.db'], { cwd: dir })).code).toBe(0)
      expect(mode(join(dir, 'backup.db'))).toBe(0o600)
      expect((await cli(['export', '--to', 'export.jsonl'], { cwd: dir })).code).toBe(0)
      expect(mode(join(dir, 'export.jsonl'))).toBe(0o600)
      await using server = await startServer()
      await server.provider.services.users.create({ username: 'carol', password: PASSWORD })
      for (const suffix of ['', '-wal', '-shm'])
        expect({ suffix, mode: mode(server.config.db + suffix) }).toEqual({ suffix, mode: 0o600 })
    } finally {
      process.umask(before)
    }
  })

  test(
    'an existing database open to group or others gets a loud warning on stderr (and the ' + 'command still runs)',
    async () => {
      const dir = folder()
      expect(
        (await cli(['user', 'create', '--username', 'alice', '--password-stdin'], { cwd: dir, stdin: PASSWORD })).code,
      ).toBe(0)
      const db = join(dir, 'latchkey.db')
      chmodSync(db, 0o644)
      const r = await cli(['user', 'list', '--json'], { cwd: dir })
      expect(r.code).toBe(0)
      expect(r.stderr).toContain(`WARNING: ${db} is open to group or others (mode 0644)`)
      expect(r.stderr).toContain(`chmod 600 ${db}`)
      chmodSync(db, 0o600)
      expect((await cli(['user', 'list', '--json'], { cwd: dir })).stderr).toBe('')
    },
  )
})

describe('issue 14 §2: errors name what is wrong', () => {
  test.skipIf(onPostgres)('a database path that cannot be opened names the path and --db / LATCHKEY_DB', async () => {
    const dir = folder()
    const asFolder = await cli(['user', 'list', '--db', dir], { cwd: dir })
    expect(asFolder.code).toBe(1)
    expect(asFolder.stderr).toContain(dir)
    expect(asFolder.stderr).toContain('--db / LATCHKEY_DB')
    const missingFolder = await cli(['user', 'create', '--username', 'a', '--password-stdin', '--db', 'nowhere/x.db'], {
      cwd: dir,
      stdin: PASSWORD,
    })
    expect(missingFolder.code).toBe(1)
    expect(missingFolder.stderr).toContain(`cannot create the database at ${join(dir, 'nowhere/x.db')}`)
    expect(missingFolder.stderr).toContain('--db / LATCHKEY_DB')
    const viaUrl = await cli(['user', 'list', '--database-url', `sqlite:${join(dir, 'none.db')}`], { cwd: dir })
    expect(viaUrl.stderr).toContain('--database-url / LATCHKEY_DATABASE_URL')
    expect(readdirSync(dir)).toEqual([])
  })

  const settings: [string, string[], Record<string, string>, string][] = [
    ['--port 0', ['serve', '--port', '0'], {}, '--port / LATCHKEY_PORT'],
    ['an empty LATCHKEY_PORT', ['serve'], { LATCHKEY_PORT: '' }, '--port / LATCHKEY_PORT: it is empty'],
    ['--metrics-port 0', ['serve', '--metrics-port', '0'], {}, '--metrics-port / LATCHKEY_METRICS_PORT'],
    ['an empty LATCHKEY_DB', ['user', 'list'], { LATCHKEY_DB: '' }, '--db / LATCHKEY_DB: it is empty'],
    ['an empty --issuer', ['serve', '--issuer', ''], {}, '--issuer / LATCHKEY_ISSUER: it is empty'],
    ['a host with a space', ['serve', '--host', 'my host'], {}, '--host / LATCHKEY_HOST: must be an IP address'],
    [
      '--password-grant nope',
      ['serve', '--password-grant', 'nope'],
      {},
      '--password-grant / LATCHKEY_PASSWORD_GRANT: must be true or false',
    ],
    [
      'LATCHKEY_GRAPHIQL=yes',
      ['serve'],
      { LATCHKEY_GRAPHIQL: 'yes' },
      '--graphiql / LATCHKEY_GRAPHIQL: must be true or false',
    ],
    ['a server setting on a management command', ['user', 'list', '--port', '9001'], {}, 'unknown option --port'],
    [
      '--log-level chatty',
      ['serve', '--log-level', 'chatty'],
      {},
      '--log-level / LATCHKEY_LOG_LEVEL: must be one of: debug, info, warn, error, silent',
    ],
    ['--port abc', ['serve', '--port', 'abc'], {}, '--port / LATCHKEY_PORT: must be a whole number'],
    [
      '--host 999.1.1.1',
      ['serve', '--host', '999.1.1.1'],
      {},
      '--host / LATCHKEY_HOST: 999.1.1.1 is not a valid address',
    ],
    [
      '--host nosuchhost.invalid',
      ['serve', '--host', 'nosuchhost.invalid'],
      {},
      'the host name nosuchhost.invalid does not resolve (--host / LATCHKEY_HOST)',
    ],
    [
      '--database-url sqlite: (no file)',
      ['user', 'list', '--database-url', 'sqlite:'],
      {},
      '--database-url / LATCHKEY_DATABASE_URL: it is empty',
    ],
    ['a single-value flag given twice', ['serve', '--port', '9000', '--port', '9001'], {}, '--port is given twice'],
    [
      'a missing --config file',
      ['user', 'list', '--config', '/nonexistent.json'],
      {},
      'cannot read config file /nonexistent.json (--config / LATCHKEY_CONFIG): there is no such file',
    ],
    ['LATCHKEY_PORT=70000', ['serve'], { LATCHKEY_PORT: '70000' }, '--port / LATCHKEY_PORT: must be at most 65535'],
    [
      'a negative value not joined by =',
      ['serve', '--access-token-ttl', '-5'],
      {},
      '--access-token-ttl needs a value; write one that starts with "-" as --access-token-ttl=VALUE',
    ],
    [
      '--trusted-proxies that are not addresses',
      ['serve', '--trusted-proxies', 'proxy.internal'],
      {},
      'must be IP addresses separated by commas',
    ],
  ]
  test.each(settings)(
    '%s is refused with a sentence naming the setting, before anything is opened',
    async (_, args, env, named) => {
      const dir = folder()
      const r = await cli(args, { cwd: dir, env })
      expect(r.code).not.toBe(0)
      expect(r.stderr).toStartWith('latchkey: ')
      expect(r.stderr).toContain(named)
      expect(r.stderr).not.toContain('Invalid input')
      expect(readdirSync(dir)).toEqual([])
    },
  )

  test(
    'port 0 in a --config file is refused too, naming the key in the file; ' +
      'port 0 from code that builds its own configuration still works',
    async () => {
      const dir = folder()
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ port: 0 }))
      const r = await cli(['serve', '--config', 'config.json'], { cwd: dir })
      expect(r.stderr).toContain(`invalid setting "port" in config file config.json: must be a port from 1 to 65535`)
      expect(r.stderr).not.toContain('--port / LATCHKEY_PORT')
      expect(loadConfig({ flags: { port: 0, 'metrics-port': 0 }, env: {} })).toMatchObject({
        port: 0,
        metricsPort: 0,
      })
    },
  )

  test('a config file value zod refuses names the key and the file; a misspelt key suggests the setting', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ port: 'abc' }))
    const bad = await cli(['serve', '--config', 'bad.json'], { cwd: dir })
    expect(bad.stderr).toBe('latchkey: invalid setting "port" in config file bad.json: must be a whole number\n')
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ prot: 9000 }))
    const typo = await cli(['serve', '--config', 'typo.json'], { cwd: dir })
    expect(typo.code).toBe(1)
    expect(typo.stderr).toBe('latchkey: unknown setting "prot" in config file typo.json; did you mean port?\n')
  })

  test('flags declared multiple may repeat (app create --redirect-uri twice)', async () => {
    const dir = folder()
    const args = ['app', 'create', '--name', 'Two', '--redirect-uri', 'https://a.example/cb']
    const r = await cli([...args, '--redirect-uri', 'https://b.example/cb', '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(JSON.stringify(r.json())).toContain(JSON.stringify(['https://a.example/cb', 'https://b.example/cb']))
  })

  test('an address that cannot be listened on names the address and the settings', async () => {
    const dir = folder()
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const r = await cli(['serve', '--host', '192.0.2.1', '--port', '9', '--db', 'x.db', '--log-level', 'silent'], {
      cwd: dir,
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('cannot listen on 192.0.2.1:9 (--host / LATCHKEY_HOST and --port / LATCHKEY_PORT)')
  })

  test('a backup or export into a missing folder says which folder, not ENOENT', async () => {
    const dir = folder()
    expect(
      (await cli(['user', 'create', '--username', 'alice', '--password-stdin'], { cwd: dir, stdin: PASSWORD })).code,
    ).toBe(0)
    for (const command of ['backup', 'export']) {
      const r = await cli([command, '--to', 'missing/out'], { cwd: dir })
      expect({ command, code: r.code }).toEqual({ command, code: 2 })
      expect(r.stderr).toBe(
        `latchkey: --to ${join(dir, 'missing/out')}: the folder ${join(dir, 'missing')} does not exist\n`,
      )
    }
  })

  test('unknown options and commands suggest the nearest one; a flag without its value says so', async () => {
    expect((await cli(['app', 'create', '--redirect-url', 'x'])).stderr).toBe(
      'latchkey: unknown option --redirect-url; did you mean --redirect-uri?\n',
    )
    expect((await cli(['serve', '--grapiql'])).stderr).toBe(
      'latchkey: unknown option --grapiql; did you mean --graphiql?\n',
    )
    expect((await cli(['user', 'list', '--frobnicate'])).stderr).toBe('latchkey: unknown option --frobnicate\n')
    expect((await cli(['app', 'create', '--name'])).stderr).toBe('latchkey: --name needs a value (--name N)\n')
    expect((await cli(['app', 'create', '--name', 'My', 'App'])).stderr).toContain('unexpected argument "App"')
    expect((await cli(['usr', 'list'])).stderr).toBe('latchkey: unknown command: usr; did you mean user?\n')
    expect((await cli(['app', 'shw', 'lkc_x'])).stderr).toStartWith(
      'latchkey: unknown command: app shw; did you mean app show? (app commands: create, update, list, show',
    )
  })
})

describe('issue 14 §2: help and flags', () => {
  test(
    'serve --help lists every setting; other commands list only the database settings they ' +
      'use, --config and --json',
    async () => {
      const serveHelp = (await cli(['serve', '--help'])).stdout
      for (const { flag, env } of Object.values(SETTINGS)) {
        expect(serveHelp).toContain(`--${flag} `)
        expect(serveHelp).toContain(env)
      }
      for (const args of [
        ['user', 'list'],
        ['app', 'create'],
        ['token', 'create'],
        ['scope', 'import'],
        ['migrate'],
        ['backup'],
        ['export'],
        ['import'],
        ['user'],
      ]) {
        const help = (await cli([...args, '--help'])).stdout
        expect({
          args,
          db: help.includes('--db FILE'),
          config: help.includes('--config FILE'),
          port: help.includes('--port'),
          ttl: help.includes('--access-token-ttl'),
        }).toEqual({ args, db: true, config: true, port: false, ttl: false })
      }
      expect((await cli(['app', 'create', '--help'])).stdout).toContain('--redirect-uri URI')
      expect((await cli(['user', 'list', '--help'])).stdout).toContain('--json')
      const top = (await cli(['--help'])).stdout
      expect(top).toContain('--version')
      expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
    },
  )

  test('boolean settings work bare (--graphiql), as --graphiql=false and as --graphiql false', () => {
    const config = (argv: string[]) => configFrom(parse(argv, SERVER_FLAGS, 0).values, { cwd: root, env: {} } as never)
    expect(config(['--graphiql'])).toMatchObject({ graphiql: true })
    expect(config(['--graphiql', '--password-grant'])).toMatchObject({ graphiql: true, passwordGrant: true })
    expect(config(['--graphiql=false', '--password-grant', 'false', '--graphql-introspection', '0'])).toMatchObject({
      graphiql: false,
      passwordGrant: false,
      graphqlIntrospection: false,
    })
    expect(config(['--password-grant', '--port', '9100'])).toMatchObject({ passwordGrant: true, port: 9100 })
    expect(config([])).toMatchObject({ graphiql: false, passwordGrant: true })
  })
})
